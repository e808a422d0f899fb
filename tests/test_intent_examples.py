"""The user's examples as tests (issue 16, item 4): read from the request, kept in the ANRF, checked
live (ANRF404/405), and a candidate that fails one is never accepted."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anrf_lsp.format.examples import from_property
from anrf_lsp.intent.examples import parse_examples
from anrf_lsp.intent.schema import StructuredIntent
from checkers import check_text

SUM = "function total(xs: list[int]) -> int:\n    t: int = 0\n    for x in xs:\n        t = t + x\n    return t\n"


@pytest.mark.parametrize(("text", "expected"), [
    ("sums a list, f([1, 2, 3]) == 6 and f([]) == 0", [("f", [[1, 2, 3]], 6), ("f", [[]], 0)]),
    ("sum the list: f([1, 2, 3]) -> 6", [("f", [[1, 2, 3]], 6)]),
    ("return the sum, e.g. [1, 2, 3] gives 6.", [(None, [[1, 2, 3]], 6)]),
    ('"""Sum the numbers.\n>>> total([1, 2, 3])\n6\n"""', [("total", [[1, 2, 3]], 6)]),
    ("# sum of positives\n# Examples:\n#   [1, -2, 3] -> 4\n#   [] -> 0\n", [(None, [[1, -2, 3]], 4), (None, [[]], 0)]),
    ("count words: f('a b c') == 3, f(\"\") -> 0", [("f", ["a b c"], 3), ("f", [""], 0)]),
    ("clamp(5, 0, 3) returns 3", [("clamp", [5, 0, 3], 3)]),
    ("is_even(4) is true", [("is_even", [4], True)]),
    ("e.g. (2, 3) gives 5", [(None, [2, 3], 5)]),
])
def test_every_stated_form_is_read(text, expected):
    found = parse_examples(text)
    assert [(e.function, e.args, e.expected) for e in found.found] == expected
    assert not found.unreadable


@pytest.mark.parametrize(("text", "reason"), [
    ("f([1, 2) == 6", "brackets"),
    ("f([1, 2, 3]) == six", "not a literal"),
])
def test_garbage_examples_are_reported_not_dropped(text, reason):
    found = parse_examples(text)
    assert not found.found and len(found.unreadable) == 1 and reason in found.unreadable[0].reason


@pytest.mark.parametrize("text", [
    "Write a function called biggest that returns the largest number in a list",
    "return the sum in O(n) time", "a function max(xs) is needed", "f(x) is the sum of x",
])
def test_prose_is_no_example(text):
    found = parse_examples(text)
    assert not found.found and not found.unreadable


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_parses_without_crashing(text):
    found = parse_examples(text)
    for e in found.found:
        json.dumps(dataclasses.asdict(e))


def _document(examples: list[dict]) -> dict:
    from anrf_lsp.program.builder import BuildRequest
    from anrf_lsp.program.compact import assemble

    intent = StructuredIntent(intent_type="create_function", target={"kind": "function", "name": "total"},
                              parameters=[{"name": "xs", "type": "list[int]"}], description="sum the list", examples=examples)
    return assemble(SUM, BuildRequest.from_intent(intent, "anrf-examples"))


def test_the_document_keeps_its_examples_and_the_checker_runs_them():
    doc = _document([{"text": "total([2, 3]) == 6", "function": "total", "args": [[2, 3]], "expected": 6},
                     {"text": "total([]) == 0", "args": [[]], "expected": 0},
                     {"text": "f([1, 2) == 6", "error": "the call's brackets do not match"}])
    assert len(from_property(doc["intent"]["properties"]["examples"])) == 2
    findings = check_text(json.dumps(doc, indent=2))
    codes = sorted((f.code, f.severity) for f in findings)
    assert codes == [("ANRF404", "error"), ("ANRF405", "warning")]
    failing = next(f for f in findings if f.code == "ANRF404")
    assert "total([2, 3]) returned 5, not 6" in failing.message and failing.pointer == "/intent/properties/examples"
    doc["intent"]["properties"]["examples"] = "[{oops"
    assert [f.code for f in check_text(json.dumps(doc))] == ["ANRF405"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(-50, 50), max_size=6), st.integers(-100, 100)), min_size=1, max_size=4))
def test_a_candidate_that_fails_an_example_is_never_accepted(cases):
    """Property: the sum program is accepted exactly when every stated example is a sum."""
    from models.generator import assemble_attempt

    examples = [{"text": f"total({xs}) == {want}", "function": "total", "args": [xs], "expected": want} for xs, want in cases]
    intent = StructuredIntent(intent_type="create_function", target={"kind": "function", "name": "total"},
                              parameters=[{"name": "xs", "type": "list[int]"}], description="sum the list", examples=examples)
    attempt = assemble_attempt(SUM, [-0.1] * 10, intent, "anrf-property")
    all_pass = all(sum(xs) == want for xs, want in cases)
    assert (attempt.error is None) == all_pass, attempt.error
    if not all_pass:
        assert "ANRF404" in attempt.error


def test_generate_refuses_a_program_that_contradicts_the_users_example(tmp_path):
    """As a user runs it: the bundled models write the sum, the request's example wants 7; nothing is written."""
    out = tmp_path / "total.anrf.json"
    text = "Write a function called total that returns the sum of a list of numbers, total([1, 2, 3]) == 7"
    result = subprocess.run([sys.executable, "-m", "anrf_lsp", "generate", text, "--out", str(out)],
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 3 and "ANRF404" in result.stderr and "returned 6, not 7" in result.stderr, result.stderr
    assert not out.exists()
    ok = subprocess.run([sys.executable, "-m", "anrf_lsp", "generate", text.replace("== 7", "== 6"), "--out", str(out)],
                        check=False, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    stored = json.loads(out.read_text())
    assert [e.expected for e in from_property(stored["intent"]["properties"]["examples"])] == [6]
