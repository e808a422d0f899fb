"""The compact text form (anrf_lsp/program/compact.py): exact round trip over the whole
catalog, canonical texts, and robustness of the assembler against garbage."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anrf_lsp.program.compact import CompactError, CompactSyntaxError, assemble, to_compact
from checkers import check_text
from training.behaviour import Behaviour, BuildRequest
from training.catalog import CATALOG
from training.catalog.verify import EMPTY_INPUT, default_request

KEYS = list(CATALOG)


def requests(b: Behaviour) -> list[BuildRequest]:
    """The default request, a renamed target with renamed parameters (as phrasing does), and one with constraints."""
    renamed = {"function": f"compute_{b.name}", "class": f"Custom{b.name}", "module": f"{b.name}_helpers"}[b.kind]
    return [
        default_request(b),
        default_request(b, name=renamed, param_names=[f"{p.name}_value" for p in b.params], description="Renamed."),
        BuildRequest(f"anrf-{b.key}-7", b.name, tuple(p.name for p in b.params), "Do it.", (EMPTY_INPUT,)),
    ]


@pytest.mark.parametrize("key", KEYS)
def test_round_trip_is_exact_and_canonical(key: str) -> None:
    b = CATALOG[key]
    for request in requests(b):
        doc = b.build(request)
        text = to_compact(doc)
        rebuilt = assemble(text, request)
        assert json.dumps(rebuilt, sort_keys=True) == json.dumps(doc, sort_keys=True)
        assert rebuilt == doc
        assert to_compact(rebuilt) == text


@pytest.mark.parametrize("key", KEYS)
def test_assembled_documents_pass_the_checkers(key: str) -> None:
    b = CATALOG[key]
    request = default_request(b)
    doc = assemble(to_compact(b.build(request)), request)
    errors = [f.code for f in check_text(json.dumps(doc, indent=2)) if f.severity == "error"]
    assert errors == []


def test_names_come_from_the_text() -> None:
    b = CATALOG["max"]
    text = to_compact(b.build(default_request(b))).replace("max_of_list", "largest").replace("numbers", "values")
    doc = assemble(text, default_request(b))
    assert doc["semantic"]["symbol_table"]["largest"] == "func_largest"
    assert "values" in doc["semantic"]["symbol_table"]


def test_hand_written_text_assembles() -> None:
    text = (
        "function clip(x: number, limit: number) -> number:\n"
        "    if x > limit:\n"
        "        return limit\n"
        "    else:\n"
        "        y: number = -x\n"
        "        return max(y, x)\n"
    )
    doc = assemble(text, BuildRequest("t1", "clip", (), "Clip a value."))
    assert doc["intent"]["description"] == "Clip a value."
    assert to_compact(doc)  # the builder's document has a compact form again


@pytest.mark.parametrize(
    "text",
    [
        "", "function", "function f(x) -> int:\n    return x\n", "function f(x: int) -> int:\nreturn x\n",
        "function f(x: int) -> int:\n    return y\n", "function f(x: int) -> int:\n    return x +\n",
        "function f(x: int) -> int:\n    else:\n        return x\n", "class A:\n    a: int\n",
        "function f(x: int) -> int:\n    return g(x)\n", "function f(x: int) -> int:\n    return x\n        x = 1\n",
        "function f(x: int) -> int:\n    x: nope = 1\n    return x\n", "function f(x: int) -> int:\n    break\n",
        "function f(x: int) -> int:\n\treturn x\n", "function f(x: int) -> int:\n    return 1 < 2 < 3\n",
        "@complexity O(n!)\nfunction f(x: int) -> int:\n    return x\n", "function f(x: int) -> int:\n    return x\n    return 1\n",
        "function f(x: int) -> int:\n    $1 = \n    return x\n", "module m\n", "function f(a: int) -> int:\n    return [1, 2\n",
    ],
)
def test_malformed_text_raises_compact_syntax_error(text: str) -> None:
    with pytest.raises(CompactSyntaxError) as info:
        assemble(text, BuildRequest("t", "f", (), "d"))
    assert info.value.line >= 1 and info.value.column >= 1


def test_huge_and_deeply_nested_input_fails_fast() -> None:
    request = BuildRequest("t", "f", (), "d")
    deep_blocks = "function f(x: int) -> int:\n" + "".join("    " * (i + 1) + "if x:\n" for i in range(200)) + "    " * 201 + "return x\n"
    cases = [
        "x" * 10_000_000,
        "function f(x: int) -> int:\n    return " + "(" * 50_000 + "x" + ")" * 50_000 + "\n",
        "function f(x: int) -> int:\n    return " + "-" * 60_000 + "x\n",
        "function f(x: int) -> int:\n    return " + "not " * 15_000 + "x\n",
        "function f(x: int) -> int:\n    return " + "[" * 60_000 + "\n",
        "function f(x: int) -> int:\n    return " + " ** ".join(["x"] * 10_000) + "\n",
        deep_blocks,
        "function f(x: int) -> int:\n" + "    y: int = 1\n" * 100_000,
    ]
    for text in cases:
        start = time.perf_counter()
        with pytest.raises(CompactSyntaxError):
            assemble(text, request)
        assert time.perf_counter() - start < 2.0


def _outcome(text: str) -> None:
    try:
        result = assemble(text, BuildRequest("fuzz", "f", (), "fuzz"))
    except CompactError:
        return
    assert isinstance(result, dict)


SEEDS = [to_compact(CATALOG[k].build(default_request(CATALOG[k]))) for k in ("max", "binary_search", "stack_class", "math_utils_module", "is_prime")]
ALPHABET = st.sampled_from(list("abcxyz_$0123456789 :()[]{}.,+-*/%<>=!\"'\n\t#@?") + ["    ", "if ", "for ", " in ", "return ", "function ", "->", "else:", "class ", "list[int]", "null"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_garbage_gives_a_dict_or_a_compact_error(text: str) -> None:
    _outcome(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.sampled_from(["delete", "insert", "swap", "drop_line", "dup_line", "swap_lines"]),
                                                  st.integers(0, 10_000), st.integers(0, 10_000), ALPHABET), min_size=1, max_size=4))
def test_mutated_compact_text_gives_a_dict_or_a_compact_error(seed: str, edits: list) -> None:
    text = seed
    for kind, a, b, piece in edits:
        lines = text.split("\n")
        i, j = a % (len(text) or 1), b % (len(text) or 1)
        li, lj = a % len(lines), b % len(lines)
        if kind == "delete":
            text = text[:i] + text[i + 1 :]
        elif kind == "insert":
            text = text[:i] + piece + text[i:]
        elif kind == "swap" and text:
            chars = list(text)
            chars[i], chars[j] = chars[j], chars[i]
            text = "".join(chars)
        elif kind == "drop_line":
            text = "\n".join(lines[:li] + lines[li + 1 :])
        elif kind == "dup_line":
            text = "\n".join(lines[: li + 1] + lines[li:])
        elif kind == "swap_lines":
            lines[li], lines[lj] = lines[lj], lines[li]
            text = "\n".join(lines)
    _outcome(text)


def test_to_compact_rejects_documents_the_builder_could_not_make() -> None:
    b = CATALOG["max"]
    doc = b.build(default_request(b))
    doc["execution"]["edges"].pop()
    with pytest.raises(CompactError):
        to_compact(doc)
    with pytest.raises(CompactError):
        to_compact({"intent": {}})


def _tricky(variant: int) -> dict:
    """Builder shapes the catalog does not use: shared and reordered expressions,
    a guard clause with a nested if in its else, empty blocks, jumps in loops."""
    from anrf_lsp.program.builder import Program

    program = Program(BuildRequest("tricky", "tricky", (), "Tricky."), "function", tags=("test",))
    f = program.function("tricky", [("xs", "list[int]"), ("k", "int")], "int?")
    xs, k = f.params
    n = f.len(xs)  # used twice: gets a `$k = ...` line
    total = f.var("total", "int", 0)
    late = f.add(1, f.mul(k, 2))  # created before the statements that use it
    with f.if_(f.eq(n, 0)):
        f.return_(None)
    if variant:
        with f.else_(), f.if_(f.gt(n, k)):
            f.set(total, late)
    else:
        with f.if_(f.gt(n, k)):
            f.set(total, late)
    with f.if_(f.lt(k, 0)):
        pass
    with f.for_each(xs, "x") as x:
        with f.if_(f.gt(x, 100)):
            f.break_()
        with f.else_():
            step = f.add(total, x)
            f.set(total, step)
            f.do(f.list_append(xs, step))  # a statement's value used again
        with f.while_(False):
            pass
    f.return_(f.neg(f.add(total, n)))
    return program.build()


@pytest.mark.parametrize("variant", [0, 1])
def test_tricky_builder_shapes_round_trip(variant: int) -> None:
    doc = _tricky(variant)
    text = to_compact(doc)
    assert assemble(text, BuildRequest("tricky", "tricky", (), "Tricky.")) == doc
    assert ("else:\n        if" in text) == bool(variant)
