"""The behaviour catalog: every behaviour builds a clean ANRF that runs equal to its
reference, with default names and with renamed targets and parameters."""

from __future__ import annotations

import copy
import dataclasses
import json
import random
import re
import string
import time

import pytest

from training.behaviour import TYPES, Behaviour
from training.catalog import CATALOG, complexity
from training.catalog.verify import EMPTY_INPUT, default_request, verify_behaviour, verify_catalog

KEYS = list(CATALOG)
SNAKE = re.compile(r"[a-z][a-z0-9_]*")
CAMEL = re.compile(r"[A-Z][A-Za-z0-9]*")


def by_kind(kind: str) -> list[Behaviour]:
    return [b for b in CATALOG.values() if b.kind == kind]


def snake_name(rng: random.Random) -> str:
    return rng.choice(string.ascii_lowercase) + "".join(rng.choice(string.ascii_lowercase + "_") for _ in range(rng.randint(2, 10)))


def renamed_request(b: Behaviour, rng: random.Random):
    """Random target and parameter names (distinct), as a structured intent might give them."""
    if b.kind == "class":
        name = "".join(rng.choice(string.ascii_uppercase) + snake_name(rng).replace("_", "") for _ in range(2))
    else:
        name = snake_name(rng)
    names: list[str] = []
    while len(names) < len(b.params):
        candidate = snake_name(rng)
        if candidate not in names:
            names.append(candidate)
    return default_request(b, name=name, param_names=names, description=f"Please {rng.choice(b.phrases)}.")


def test_catalog_size_and_kinds():
    assert len(by_kind("function")) >= 44
    assert len(by_kind("class")) >= 4
    assert len(by_kind("module")) >= 4
    categories = {b.category for b in by_kind("function")}
    assert {"aggregate", "search", "filter", "map", "string", "numeric", "conversion", "validation"} <= categories


@pytest.mark.parametrize("key", KEYS)
def test_descriptive_fields(key):
    b = CATALOG[key]
    assert b.key == key and SNAKE.fullmatch(key)
    assert (CAMEL if b.kind == "class" else SNAKE).fullmatch(b.name)
    assert b.summary[0].isupper() and b.summary.endswith(".")
    assert len(b.phrases) >= 4 and len(set(b.phrases)) == len(b.phrases)
    assert all(p == p.strip() and p[0].islower() and not p.endswith(".") for p in b.phrases)
    assert all(p.type in TYPES and SNAKE.fullmatch(p.name) for p in b.params)
    if b.kind == "function":
        assert b.return_type in TYPES
        assert len({p.name for p in b.params}) == len(b.params)
    else:
        assert b.params == () and b.return_type == "any"


@pytest.mark.parametrize("key", KEYS)
def test_default_build_proves(key):
    b = CATALOG[key]
    assert verify_behaviour(b, default_request(b), random.Random(key)) == []


@pytest.mark.parametrize("key", KEYS)
def test_renamed_build_proves(key):
    b = CATALOG[key]
    rng = random.Random(f"rename:{key}")
    for _ in range(2):
        request = renamed_request(b, rng)
        doc = b.build(request)
        assert doc["intent"]["description"] == request.description
        labels = {n["label"] for n in doc["semantic"]["nodes"]}
        assert request.name in labels or any(label.startswith(request.name + ".") for label in labels)
        assert set(request.param_names) <= labels
        assert verify_behaviour(b, request, rng) == []


@pytest.mark.parametrize("key", KEYS)
def test_checked_constraints_hold(key):
    """Empty input is run by the checker; a performance constraint at the declared complexity holds."""
    b = CATALOG[key]
    declared = complexity(b)
    performance = {"type": "performance", "description": f"Must run in {declared} time", "formal_spec": declared}
    request = default_request(b, constraints=(EMPTY_INPUT, performance))
    assert verify_behaviour(b, request, random.Random(key)) == []


@pytest.mark.parametrize("key", KEYS)
def test_cases_are_deterministic_and_include_edges(key):
    b = CATALOG[key]
    first = b.cases(random.Random(7))
    assert first == b.cases(random.Random(7))
    assert 5 <= len(first) <= 16
    if b.kind == "function":
        assert {c.function for c in first} == {b.name}
        for i, p in enumerate(b.params):
            if p.type.startswith("list") or p.type == "str":  # an empty list or string is always among the cases
                assert any(c.args[i] in ([], "") for c in first), p


@pytest.mark.parametrize("key", KEYS)
def test_references_leave_arguments_alone(key):
    b = CATALOG[key]
    for case in b.cases(random.Random(3)):
        before = copy.deepcopy(case.args)
        b.reference(case)
        assert case.args == before


def test_same_request_gives_identical_json():
    for b in CATALOG.values():
        request = default_request(b)
        assert json.dumps(b.build(request)) == json.dumps(b.build(request)), b.key


def test_verify_reports_wrong_results_and_findings():
    b = CATALOG["max"]
    wrong = dataclasses.replace(b, reference=lambda case: 42)
    problems = verify_behaviour(wrong, default_request(b), random.Random(0))
    assert problems and all("not 42" in p for p in problems if "returned" in p)

    def broken_build(request):
        doc = b.build(request)
        doc["semantic"]["nodes"][0]["execution_refs"] = []
        return doc

    problems = verify_behaviour(dataclasses.replace(b, build=broken_build), default_request(b), random.Random(0))
    assert any(p.startswith("ANRF301 warning") for p in problems)

    def failing_build(request):
        raise RuntimeError("boom")

    assert verify_behaviour(dataclasses.replace(b, build=failing_build), default_request(b), random.Random(0)) == [
        "max: build failed: RuntimeError: boom"
    ]


def test_verify_catalog_is_clean_and_fast():
    start = time.perf_counter()
    result = verify_catalog(seed=1)
    elapsed = time.perf_counter() - start
    assert list(result) == KEYS
    assert {k: v for k, v in result.items() if v} == {}
    # two proofs per behaviour; the data build runs one per example (about 1-3 ms each on a laptop)
    assert elapsed / (2 * len(KEYS)) < 0.05


def test_renaming_parameters_never_captures_a_local():
    """A request may name a parameter like one of the function's locals (`low` -> `n` beside `for n in ...`):
    the local moves aside and the behaviour is unchanged."""
    from anrf_lsp.execution.interpreter import run_function
    from anrf_lsp.format.model import Anrf
    from training.behaviour import BuildRequest

    b = CATALOG["count_in_range"]
    doc = b.build(BuildRequest(anrf_id="x", name="f", param_names=("xs", "n", "k"), description="d"))
    assert run_function(Anrf.model_validate(doc), [[2, 1, -10, 39, 30, 19, -3], 3, 12]) == 0
    assert run_function(Anrf.model_validate(doc), [[6, -5, 31], -19, 37]) == 3
