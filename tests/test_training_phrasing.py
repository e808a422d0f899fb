"""The phrasing generator (training/phrasing.py) on a small hand-made catalog:
determinism, exact entity spans, schema validity, template coverage and hold-out,
agreement with the constraint parser, and diversity."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from functools import cache

import pytest

from anrf_lsp.intent.constraints import parse_constraints
from anrf_lsp.intent.schema import StructuredIntent
from training import phrasing
from training import phrasing_words as W
from training.behaviour import Behaviour, Param
from training.phrasing import (
    FAMILIES,
    HELD_OUT_TEMPLATES,
    OUT_OF_SCOPE,
    OUT_OF_SCOPE_TEMPLATES,
    TEMPLATES,
    Example,
    generate_dataset,
    generate_examples,
    out_of_scope_examples,
    templates_for_split,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _unused(*_args: object) -> None:
    raise AssertionError("the phrasing generator must only read descriptive fields")


def _behaviour(kind: str, name: str, phrases: str, params: str = "", ret: str = "any") -> Behaviour:
    """A test behaviour from short strings: phrases split on '|', params as 'name:type ...'."""
    phrase_list = tuple(p.strip() for p in phrases.split("|"))
    summary = phrase_list[0][0].upper() + phrase_list[0][1:] + "."
    param_list = tuple(Param(*p.split(":")) for p in params.split())
    args = (name.lower(), kind, name, "test", summary, phrase_list, param_list, ret, _unused, _unused, _unused)
    return Behaviour(*args)  # type: ignore[arg-type]


# fmt: off
CATALOG = [
    _behaviour("function", "clamp_value", "clamp x to the range [lo, hi] | limit a number to a range | keep a value between two bounds",
               "x:int lo:int hi:int", "int"),
    _behaviour("function", "max_of_list", "find the largest number in a list | get the maximum of a list of numbers | pick the biggest value",
               "numbers:list[number]", "number"),
    _behaviour("function", "count_vowels", "count the vowels in a string | tell how many vowels a text has | tally vowels in text",
               "text:str", "int"),
    _behaviour("function", "is_palindrome", "check whether a string is a palindrome | tell if a word reads the same both ways"
               " | test a text for being a palindrome", "text:str", "bool"),
    _behaviour("function", "filter_even", "keep only the even numbers | drop the odd numbers from a list | select even integers from a list",
               "numbers:list[int]", "list[int]"),
    _behaviour("function", "join_words", "join words with a separator | glue a list of strings together",
               "words:list[str] sep:str strict:bool", "str"),
    _behaviour("class", "Stack", "keep items in last-in first-out order | push and pop items like a stack of plates"
               " | store values with push, pop and peek"),
    _behaviour("class", "Counter", "count events with increment and reset | keep a running tally | track how many times something happened"),
    _behaviour("module", "text_utils", "provide small text utilities | bundle helpers for words and lines | group string helper functions"),
    _behaviour("module", "math_utils", "provide small math helpers | bundle numeric helper functions | collect arithmetic utilities"),
]
# fmt: on
BY_KEY = {b.key: b for b in CATALOG}
SNAKE = re.compile(r"[a-z][a-z0-9_]*")
CAMEL = re.compile(r"[A-Z][A-Za-z0-9]*")


@cache
def _dataset() -> tuple[Example, ...]:
    """5,000 in-scope examples plus the usual ~10% out of scope (cached: several tests read it)."""
    return tuple(generate_dataset(CATALOG, random.Random(7), 500))


def _json(examples: list[Example] | tuple[Example, ...]) -> str:
    return json.dumps([e.to_dict() for e in examples], sort_keys=True, ensure_ascii=False)


# -- determinism ---------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_json() -> None:
    assert _json(generate_dataset(CATALOG, random.Random(3), 40)) == _json(generate_dataset(CATALOG, random.Random(3), 40))
    assert _json(generate_examples(CATALOG, random.Random(3), 40)) != _json(generate_examples(CATALOG, random.Random(4), 40))


def test_output_does_not_depend_on_hash_seed() -> None:
    """Set iteration order changes with PYTHONHASHSEED; the generator must not depend on it."""
    code = (
        "import json, random, sys; sys.path.insert(0, 'tests'); from test_training_phrasing import CATALOG, _json;"
        "from training.phrasing import generate_dataset; print(_json(generate_dataset(CATALOG, random.Random(5), 30)))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


# -- labels --------------------------------------------------------------------------------------


def test_every_entity_span_is_exact_and_labels_agree_with_the_intent() -> None:
    for e in _dataset():
        intent = e.intent
        assert intent.description == e.text
        assert StructuredIntent.model_validate_json(intent.model_dump_json()) == intent
        ends = 0
        for entity in intent.entities:
            assert e.text[entity.start : entity.end] == entity.text != ""
            assert entity.start >= ends, "entities are sorted and do not overlap"
            ends = entity.end
        by_label = Counter(entity.label for entity in intent.entities)
        assert by_label["NAME"] <= 1
        if by_label["NAME"]:
            assert next(x.text for x in intent.entities if x.label == "NAME") == intent.target.name  # type: ignore[union-attr]
        stated = [x.text for x in intent.entities if x.label == "PARAM"]
        assert stated in ([], [p.name for p in intent.parameters])
        assert [x.text for x in intent.entities if x.label == "CONSTRAINT"] == [c.description for c in intent.constraints]


def test_in_scope_intents_follow_the_behaviour() -> None:
    for e in _dataset():
        if e.family == OUT_OF_SCOPE:
            continue
        b, intent = BY_KEY[e.behaviour], e.intent
        assert intent.operation == b.key and intent.confidence == 1.0
        assert intent.intent_type in (f"create_{b.kind}", f"modify_{b.kind}")
        assert intent.intent_type.startswith("modify") == TEMPLATES[e.template].modify
        assert intent.target is not None and intent.target.kind == b.kind
        assert (CAMEL if b.kind == "class" else SNAKE).fullmatch(intent.target.name)
        assert intent.return_type == b.return_type
        assert [p.type for p in intent.parameters] == [p.type for p in b.params]
        assert len({p.name for p in intent.parameters}) == len(b.params)
        if not any(x.label == "NAME" for x in intent.entities):
            assert intent.target.name == b.name, "an unstated name is the behaviour's default"
        if not any(x.label == "PARAM" for x in intent.entities):
            assert [p.name for p in intent.parameters] == [p.name for p in b.params]
        assert 0 <= len(intent.constraints) <= 2


def test_out_of_scope_examples() -> None:
    examples = out_of_scope_examples(random.Random(1), 300)
    for e in examples:
        assert e.family == OUT_OF_SCOPE and e.template in OUT_OF_SCOPE_TEMPLATES
        assert e.intent.intent_type == "out_of_scope" and e.intent.target is None
        assert e.intent.operation == "unknown" == e.behaviour
        assert e.intent.entities == [] and e.intent.constraints == []
        assert parse_constraints(e.text) == []
    assert len({e.template for e in examples}) == len(OUT_OF_SCOPE_TEMPLATES)


def _share(examples: list[Example], pred: Callable[[Example], bool]) -> float:
    return sum(map(pred, examples)) / len(examples)


def test_dataset_mix() -> None:
    data = _dataset()
    families = Counter(e.family for e in data)
    assert abs(families[OUT_OF_SCOPE] / len(data) - 0.1) < 0.01
    assert set(families) == {*FAMILIES, OUT_OF_SCOPE}
    in_scope = [e for e in data if e.family != OUT_OF_SCOPE]
    fc = [e for e in in_scope if e.intent.target and e.intent.target.kind != "module"]
    assert 0.08 < sum(e.intent.intent_type.startswith("modify") for e in fc) / len(fc) < 0.22
    assert 0.2 < _share(in_scope, lambda e: any(x.label == "NAME" for x in e.intent.entities)) < 0.8
    assert 0.1 < _share(in_scope, lambda e: e.intent.target.name != BY_KEY[e.behaviour].name) < 0.6
    assert 0.3 < _share(in_scope, lambda e: bool(e.intent.constraints)) < 0.7
    assert 0.05 < _share(in_scope, lambda e: len(e.intent.constraints) == 2) < 0.3
    renamed = [e for e in in_scope if e.intent.parameters and e.intent.parameters[0].name != BY_KEY[e.behaviour].params[0].name]
    assert renamed, "parameters are renamed sometimes"


def test_params_named_by_the_phrase_are_not_renamed() -> None:
    clamp = [e for e in generate_examples([CATALOG[0]], random.Random(2), 400) if "clamp x" in e.text.lower()]
    assert clamp and all([p.name for p in e.intent.parameters] == ["x", "lo", "hi"] for e in clamp)


# -- constraints ---------------------------------------------------------------------------------


def test_constraints_round_trip_through_the_parser() -> None:
    """The parser, run on each text, finds exactly the labelled constraints, spans included."""
    for e in _dataset():
        found = parse_constraints(e.text)
        assert [c for c, _ in found] == list(e.intent.constraints), e.text
        spans = [(x.start, x.end) for x in e.intent.entities if x.label == "CONSTRAINT"]
        assert [span for _, span in found] == spans, e.text


def test_every_constraint_surface_parses_to_its_bracketed_span() -> None:
    surfaces = [(s, t, spec) for _, _, t, spec, group in W.FIXED_CONSTRAINTS for s in group]
    surfaces += [(s, "safety", "handles_empty") for group in W.EMPTY_BY_TYPE.values() for s in group]
    rng = random.Random(0)
    for make in (phrasing._time_budget, phrasing._memory_budget, phrasing._version):
        surfaces += [make(rng) for _ in range(200)]
    for surface, type_, spec in surfaces:
        prefix, span, suffix = re.fullmatch(r"(.*)\[(.*)\](.*)", surface).groups()  # type: ignore[union-attr]
        text = f"Do it, {prefix}{span}{suffix}."
        [(constraint, (start, end))] = parse_constraints(text)
        assert (text[start:end], constraint.type, constraint.formal_spec) == (span, type_, spec), surface


@pytest.mark.parametrize(
    ("floor", "allowed"),
    [("O(1)", {"O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)"}), ("O(n)", {"O(n)", "O(n log n)", "O(n^2)"}),
     ("O(sqrt(n))", {"O(n)", "O(n log n)", "O(n^2)"}), ("O(2^n)", set())],
)  # fmt: skip
def test_complexity_floor_keeps_performance_constraints_honest(floor: str, allowed: set[str]) -> None:
    """With the program's complexity known, no stated class is faster (the built ANRF would fail ANRF402)."""
    examples = generate_examples(CATALOG[:2], random.Random(1), 600, complexity=lambda _b: floor)
    stated = {c.formal_spec for e in examples for c in e.intent.constraints if c.type == "performance" and c.formal_spec.startswith("O(")}
    assert stated == allowed


def test_phrases_that_state_a_constraint_are_skipped() -> None:
    b = _behaviour("function", "sum_list", "add up a list in linear time | sum the numbers", "numbers:list[int]", "int")
    assert all("linear time" not in e.text for e in generate_examples([b], random.Random(1), 200))
    only_constrained = _behaviour("function", "sum_list", "add up a list in O(n)", "numbers:list[int]", "int")
    with pytest.raises(ValueError, match="every phrase states a constraint"):
        generate_examples([only_constrained], random.Random(1), 1)


# -- templates and splits ------------------------------------------------------------------------


def test_template_registry() -> None:
    assert len(TEMPLATES) >= 30
    families = Counter(t.family for t in TEMPLATES.values())
    assert set(families) == set(FAMILIES) and min(families.values()) >= 5
    assert all(t.id == key and set(t.kinds) <= set("fcm") for key, t in TEMPLATES.items())
    assert {t.family for t in TEMPLATES.values() if t.modify} >= {"imperative", "question", "code_comment", "user_story"}
    assert not set(TEMPLATES) & set(OUT_OF_SCOPE_TEMPLATES)


def test_every_template_is_used() -> None:
    used = Counter(e.template for e in _dataset())
    assert set(used) == set(TEMPLATES) | set(OUT_OF_SCOPE_TEMPLATES)


def test_held_out_templates_cover_every_kind_and_partition_the_registry() -> None:
    train, validation, test = (set(templates_for_split(s)) for s in ("train", "validation", "test"))
    assert not train & validation and not train & test and not validation & test
    assert train | validation | test == set(TEMPLATES) | set(OUT_OF_SCOPE_TEMPLATES)
    for split in HELD_OUT_TEMPLATES:
        held = [TEMPLATES[t] for t in HELD_OUT_TEMPLATES[split] if t in TEMPLATES]
        assert {t.family for t in held} == set(FAMILIES)
        for kind in "fcm":
            assert any(kind in t.kinds and not t.modify for t in held), (split, kind)
        assert any(t.modify for t in held)


def test_a_split_uses_only_its_templates() -> None:
    ids = templates_for_split("validation")
    examples = generate_dataset(CATALOG, random.Random(1), 60, templates=ids)
    assert {e.template for e in examples} == set(ids)
    assert not {e.template for e in generate_dataset(CATALOG, random.Random(1), 60, templates=templates_for_split("train"))} & set(ids)


# -- diversity -----------------------------------------------------------------------------------


def test_texts_are_diverse() -> None:
    data = _dataset()
    assert len(data) >= 5000
    assert len({e.text for e in data}) / len(data) > 0.95
    random_names = {e.intent.target.name for e in data if e.intent.target}
    assert len(random_names) > 300, "target names vary, so a model cannot memorise them"
