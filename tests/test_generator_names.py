"""The names a request fixes are bound onto the generated program (the model supplies structure)."""

from __future__ import annotations

import json

import pytest

from anrf_lsp.intent.schema import Parameter, StructuredIntent, Target
from anrf_lsp.program.builder import BuildRequest
from anrf_lsp.program.compact import to_compact
from models.generator import assemble_attempt, bind_names, repair_name
from training.catalog import CATALOG


def _intent(kind: str, name: str, params: list[tuple[str, str]] = (), operation: str = "unknown") -> StructuredIntent:
    return StructuredIntent(intent_type=f"create_{kind}", target=Target(kind=kind, name=name), operation=operation,
                            parameters=[Parameter(name=n, type=t) for n, t in params], description="d")


def test_function_name_and_parameters_are_the_requests():
    text = 'function raw_uppercase(msg: str) -> str:\n    return upper(msg) + "msg"\n'
    bound = bind_names(text, _intent("function", "to_uppercase", [("raw", "str")]))
    assert bound == 'function to_uppercase(raw: str) -> str:\n    return upper(raw) + "msg"\n'


def test_class_and_module_names():
    assert bind_names("class Stack:\n    function new() -> Stack:\n", _intent("class", "BlobStore")).startswith("class BlobStore:\n    function new() -> BlobStore:")
    assert bind_names("module stats\nfunction f(x: int) -> int:\n    return x\n", _intent("module", "numbers")).startswith("module numbers\n")


def test_a_local_steps_aside_and_nothing_else_is_renamed():
    text = "function f(a: int, b: int) -> int:\n    c: int = a\n    return c + b\n"
    bound = bind_names(text, _intent("function", "g", [("c", "int"), ("b", "int")]))  # the local c takes another name
    assert bound == "function g(c: int, b: int) -> int:\n    c_2: int = c\n    return c_2 + b\n"
    summing = "function sum_list(numbers: list[int]) -> int:\n    total = 0\n    for n in numbers:\n        total = total + n\n    return total\n"
    assert bind_names(summing, _intent("function", "total", [("numbers", "list[int]")])).startswith("function total(numbers: list[int]) -> int:\n    total_2 = 0")
    calls = "function f(a: list[int]) -> int:\n    return len(a)\n"
    assert bind_names(calls, _intent("function", "g", [("len", "list[int]")])) == calls  # len is not the program's to rename
    assert bind_names(text, _intent("function", "g", [("x", "int")])) == text  # arity differs


def test_a_misnamed_catalog_program_assembles_to_the_requested_one():
    behaviour = CATALOG["max"]
    intent = _intent("function", "biggest", [("values", "list[number]")], "max")
    wanted = behaviour.build(BuildRequest.from_intent(intent, "anrf-x"))
    misnamed = to_compact(behaviour.build(BuildRequest.from_intent(_intent("function", "max_of_list", [("numbers", "list[number]")], "max"), "anrf-x")))
    attempt = assemble_attempt(misnamed, [-0.1], intent, "anrf-x")
    assert attempt.valid
    assert json.dumps(attempt.anrf["execution"], sort_keys=True) == json.dumps(wanted["execution"], sort_keys=True)


def test_a_misspelled_parameter_is_repaired_when_one_parameter_is_unused():
    """`text` for `phrase`: the one parameter the body never uses is what the name stands for."""
    misspelled = "function word_count(phrase: str) -> int:\n    words: list[str] = split(text, \" \")\n    return len(words)\n"
    attempt = assemble_attempt(misspelled, [-0.1], _intent("function", "word_count", [("phrase", "str")]), "anrf-x")
    assert attempt.valid and attempt.repairs == 1
    assert "split(phrase, \" \")" in attempt.text


def test_a_misspelled_class_name_is_repaired():
    text = 'class Box:\n    items: list[int]\n    function new() -> NewHolder:\n        return object_new("items", [])\n'
    attempt = assemble_attempt(text, [-0.1], _intent("class", "Box"), "anrf-x")
    assert attempt.valid and attempt.repairs == 1 and "-> Box:" in attempt.text


def test_no_repair_when_the_name_is_ambiguous():
    """Two unused parameters: nothing says which one `text` meant, so the hypothesis stays rejected."""
    text = "function f(a: str, b: str) -> str:\n    return text\n"
    attempt = assemble_attempt(text, [-0.1], _intent("function", "f", [("a", "str"), ("b", "str")]), "anrf-x")
    assert not attempt.valid and attempt.repairs == 0 and "unknown name 'text'" in attempt.error
    assert repair_name(text, ValueError("line 2, column 12: unexpected ':'")) is None


def test_names_the_request_fixes_do_not_count_against_the_likelihood():
    """The model wrote `max_number`, unsure of it; the request's `biggest` replaces it whatever the model
    spelled, so those tokens are left out of the likelihood the confidence uses (the rest still count)."""
    from models.generator import bound_token_indices, name_mapping

    text = "function max_number(numbers: list[float]) -> float:\n    return numbers[0]\n"
    pieces = ["function", " max", "_number", "(", "numbers", ":", " list[float]) -> float:\n", "    return", " numbers", "[0]\n"]
    offsets = [sum(len(p) for p in pieces[:i]) for i in range(len(pieces))]
    intent = _intent("function", "biggest", [("numbers", "list[float]")])
    mapping = name_mapping(text, intent)
    assert mapping == {"max_number": "biggest"}
    assert bound_token_indices(text, offsets, mapping) == {1, 2}
    log_probs = [-0.01, -1.5, -1.2, -0.01, -0.01, -0.01, -0.01, -0.01, -0.01, -0.01]
    attempt = assemble_attempt(text, log_probs, intent, "anrf-x", token_offsets=offsets)
    assert attempt.text.startswith("function biggest(") and attempt.unscored_tokens == {1, 2}
    assert attempt.likelihood == pytest.approx(0.01) and -attempt.mean_log_prob > 0.2
    tagged = assemble_attempt("@tags math\n" + text, [-2.0, *log_probs], intent, "anrf-x", [1, *(2 for _ in log_probs)],
                              token_offsets=[0, *(o + 11 for o in offsets)])
    assert tagged.unscored_tokens == {0, 2, 3} and tagged.likelihood == pytest.approx(0.01)  # the @tags line is not behaviour
