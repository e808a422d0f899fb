"""The generator's text side: prompt format and the byte-level BPE tokenizer (no model)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anrf_lsp.intent.schema import IntentConstraint, Parameter, StructuredIntent, Target
from anrf_lsp.program.prompt import PROGRAM_MARKER, prompt, split_output
from training.generator_tokenizer import SPECIAL_TOKENS, decode, encode, train_tokenizer

INTENT = StructuredIntent(
    intent_type="create_function",
    target=Target(kind="function", name="biggest"),
    parameters=[Parameter(name="values", type="list[number]")],
    return_type="number",
    operation="max",
    constraints=[IntentConstraint(type="performance", description="in O(n) time", formal_spec="O(n)")],
    description="Write a function   called biggest\nthat returns the largest number, in O(n) time",
)

PROGRAM = "function biggest(values: list[number]) -> number?\n    if len(values) == 0:\n        return null\n"


def test_prompt_is_canonical_lines_ending_with_the_marker():
    text = prompt(INTENT)
    assert text.splitlines() == [
        "intent: create_function",
        "name: biggest",
        "params: values: list[number]",
        "returns: number",
        "operation: max",
        "constraints: performance O(n)",
        "description: Write a function called biggest that returns the largest number, in O(n) time",
        PROGRAM_MARKER,
    ]
    assert text.endswith(f"{PROGRAM_MARKER}\n")
    assert split_output(text + PROGRAM) == PROGRAM
    assert split_output(PROGRAM) == PROGRAM


def test_out_of_scope_has_no_prompt():
    with pytest.raises(ValueError, match="out_of_scope"):
        prompt(StructuredIntent(intent_type="out_of_scope", description="hello"))


@pytest.fixture(scope="module")
def tokenizer():
    corpus = [prompt(INTENT) + PROGRAM] * 20 + ["class Stack:\n    items: list[int]\n"] * 10
    return train_tokenizer(corpus, vocab_size=400)


def test_special_tokens_come_first(tokenizer):
    assert [tokenizer.token_to_id(t) for t in SPECIAL_TOKENS] == [0, 1, 2]


def test_corpus_text_gets_short(tokenizer):
    text = prompt(INTENT) + PROGRAM
    assert len(encode(tokenizer, text)) < len(text) / 3


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_round_trips(tokenizer, text):
    assert decode(tokenizer, encode(tokenizer, text)) == text
