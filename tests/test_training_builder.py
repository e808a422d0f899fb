"""anrf_lsp.program.builder: documents it builds check clean, run, and have the documented shape."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from anrf_lsp.execution.interpreter import run_function
from anrf_lsp.format.document import load_document
from anrf_lsp.program.builder import GENERATED_BY, BuildError, Program
from checkers import check_text
from training.behaviour import BuildRequest

CONSTRAINTS = (
    {"type": "safety", "description": "Handle empty input gracefully", "formal_spec": ""},
    {"type": "reliability", "description": "Never fails on valid input", "formal_spec": ""},
)


def request(name: str = "demo", constraints=()) -> BuildRequest:
    return BuildRequest(anrf_id=f"test-{name}", name=name, param_names=(), description=f"A test program: {name}.", constraints=constraints)


def problems(doc: dict) -> list[str]:
    return [f"{f.code} {f.severity}: {f.message}" for f in check_text(json.dumps(doc)) if f.severity != "info"]


def run(doc: dict, function: str, *args):
    return run_function(load_document(json.dumps(doc)).model, list(args), function)


def assert_well_formed(doc: dict) -> None:
    """No findings above info, and every execution node covered exactly once."""
    assert problems(doc) == []
    refs = Counter(r for n in doc["semantic"]["nodes"] for r in n["execution_refs"])
    assert set(refs) == {n["node_id"] for n in doc["execution"]["nodes"]}
    assert max(refs.values()) == 1


def edges(doc: dict, source: str) -> dict[str, str]:
    return {e["edge_type"]: e["target_id"] for e in doc["execution"]["edges"] if e["source_id"] == source}


def op_ids(doc: dict, operation: str) -> list[str]:
    return [n["node_id"] for n in doc["execution"]["nodes"] if n["operation"] == operation]


def classify_program() -> Program:
    program = Program(request("classify", CONSTRAINTS), "function", tags=("test",))
    f = program.function("classify", [("x", "number")], returns="str")
    (x,) = f.params
    label = f.var("label", "str", "")
    with f.if_(f.lt(x, 0)):
        f.set(label, "negative")
    with f.else_():
        f.set(label, "non-negative")
    f.return_(f.concat(label, "!"))
    return program


def test_if_else_branches_rejoin():
    doc = classify_program().build()
    assert_well_formed(doc)
    (if_id,) = op_ids(doc, "if")
    out = edges(doc, if_id)
    assert set(out) == {"true_branch", "false_branch"}
    (ret,) = op_ids(doc, "return")
    # both branch statements flow into the return: that is where the branches rejoin
    assert edges(doc, out["true_branch"]) == {"control_flow": ret}
    assert edges(doc, out["false_branch"]) == {"control_flow": ret}
    assert run(doc, "classify", -1) == "negative!"
    assert run(doc, "classify", 2.5) == "non-negative!"


def test_if_without_else_continues_on_false_branch():
    program = Program(request(), "function")
    f = program.function("demo", [("x", "int")], returns="int")
    (x,) = f.params
    with f.if_(f.lt(x, 0)):
        f.set(x, f.neg(x))
    f.return_(x)
    doc = program.build()
    assert_well_formed(doc)
    (if_id,) = op_ids(doc, "if")
    (ret,) = op_ids(doc, "return")
    assert edges(doc, if_id)["false_branch"] == ret
    assert [run(doc, "demo", v) for v in (-3, 4)] == [3, 4]


def test_nested_loops_and_complexity():
    program = Program(request("count_pairs"), "function")
    f = program.function("count_pairs", [("numbers", "list[int]"), ("target", "int")], returns="int")
    numbers, target = f.params
    count = f.var("count", "int", 0)
    with f.for_each(numbers, "a") as a, f.for_each(numbers, "b") as b, f.if_(f.eq(f.add(a, b), target)):
        f.set(count, f.add(count, 1))
    f.return_(count)
    doc = program.build()
    assert_well_formed(doc)
    outer, inner = op_ids(doc, "for_each")
    inner_end, outer_end = op_ids(doc, "end_loop")
    assert edges(doc, outer)["loop_body"] == inner
    assert edges(doc, inner_end) == {"control_flow": outer_end}  # the inner loop exits into the outer body's end
    assert edges(doc, outer_end) == {"control_flow": op_ids(doc, "return")[0]}
    assert doc["execution"]["properties"]["complexity"] == "O(n^2)"
    assert run(doc, "count_pairs", [1, 2, 3], 4) == 3
    assert run(doc, "count_pairs", [], 4) == 0


def test_while_loop_with_break_and_continue():
    program = Program(request("odd_sum"), "function")
    f = program.function("odd_sum", [("limit", "int")], returns="int", complexity="O(n)")
    (limit,) = f.params
    i = f.var("i", "int", 0)
    total = f.var("total", "int", 0)
    with f.while_(True):
        f.set(i, f.add(i, 1))
        with f.if_(f.gt(i, limit)):
            f.break_()
        with f.if_(f.eq(f.mod(i, 2), 0)):
            f.continue_()
        f.set(total, f.add(total, i))
    f.return_(total)
    doc = program.build()
    assert_well_formed(doc)
    (loop,) = op_ids(doc, "while")
    assert set(edges(doc, loop)) == {"loop_body"}
    assert [run(doc, "odd_sum", n) for n in (0, 1, 5, 10)] == [0, 1, 9, 25]


def test_class_methods_fields_and_symbols():
    program = Program(request("Box"), "class")
    cls = program.class_("Box", [("items", "list[str]"), ("label", "str")])
    new = cls.method("new", [("label", "str")], "self", static=True)
    new.return_(new.new_object({"items": [], "label": new.params[0]}))
    add = cls.method("add", [("item", "str")], "self")
    add.do(add.list_append(add.get("items"), add.params[1]))
    add.return_(add.self_)
    size = cls.method("size", [], "int")
    size.return_(size.len(size.get("items")))
    doc = program.build()
    assert_well_formed(doc)
    sem = doc["semantic"]
    struct = next(t for t in sem["types"] if t["type_kind"] == "struct")
    assert struct["name"] == "Box" and [f["name"] for f in struct["fields"]] == ["items", "label"]
    class_node = sem["nodes"][0]
    assert (class_node["node_type"], class_node["label"], class_node["properties"]["type"]) == ("class", "Box", struct["type_id"])
    members = [e["target_id"] for e in sem["edges"] if e["edge_type"] == "has_member"]
    labels = {n["node_id"]: n["label"] for n in sem["nodes"]}
    assert [labels[m] for m in members] == ["Box.new", "Box.add", "Box.size"]
    assert {"Box", "Box.new", "Box.add", "Box.size", "self", "item", "label"} <= set(sem["symbol_table"])
    assert doc["intent"]["intent_type"] == "class"
    box = run(doc, "Box.new", "tools")
    assert box == {"items": [], "label": "tools"}
    assert run(doc, "Box.add", box, "saw") == {"items": ["saw"], "label": "tools"}
    assert run(doc, "Box.size", {"items": ["a", "b"], "label": ""}) == 2


def test_module_with_calls():
    program = Program(request("shapes"), "module")
    square = program.function("square", [("x", "number")], returns="number")
    square.return_(square.mul(square.params[0], square.params[0]))
    norm = program.function("norm2", [("x", "number"), ("y", "number")], returns="number")
    x, y = norm.params
    norm.return_(norm.add(norm.call("square", x), norm.call("square", y)))
    doc = program.build()
    assert_well_formed(doc)
    sem = doc["semantic"]
    module = sem["nodes"][0]
    assert (module["node_type"], module["label"]) == ("module", "shapes")
    ids = {n["label"]: n["node_id"] for n in sem["nodes"]}
    kinds = {(e["source_id"], e["target_id"]): e["edge_type"] for e in sem["edges"]}
    assert kinds[(module["node_id"], ids["square"])] == "contains"
    assert kinds[(ids["norm2"], ids["square"])] == "calls"
    assert run(doc, "norm2", 3, 4) == 25


def test_intent_metadata_and_types():
    doc = classify_program().build()
    intent = doc["intent"]
    assert intent["intent_type"] == "function"
    assert intent["description"] == "A test program: classify."
    assert [c["type"] for c in intent["constraints"]] == ["safety", "reliability"]
    assert intent["tags"] == ["test"]
    assert doc["metadata"] == {"generated_by": GENERATED_BY} == {"generated_by": "anrf-lsp builder"}
    func = doc["semantic"]["nodes"][0]
    assert func["intent_refs"] == ["/intent/constraints/0", "/intent/constraints/1"]
    assert func["properties"]["return_type"] == "type_string"


def test_nullable_and_list_types():
    program = Program(request(), "function")
    f = program.function("demo", [("words", "list[str]")], returns="str?")
    with f.if_(f.eq(f.len(f.params[0]), 0)):
        f.return_(None)
    f.return_(f.index(f.params[0], 0))
    doc = program.build()
    assert_well_formed(doc)
    types = {t["type_id"]: t for t in doc["semantic"]["types"]}
    assert types["type_string_array"]["properties"] == {"element_type": "type_string"}
    assert types["type_string_or_null"]["type_kind"] == "nullable"
    assert run(doc, "demo", []) is None


def test_same_program_gives_the_same_text():
    first = json.dumps(classify_program().build())
    assert json.dumps(classify_program().build()) == first
    assert "classify_n1" in first  # readable ids


def test_duplicate_names_get_distinct_ids():
    program = Program(request(), "function")
    f = program.function("demo", [("a", "int"), ("a", "int")], returns="int")
    f.return_(f.add(*f.params))
    doc = program.build()
    assert_well_formed(doc)
    assert run(doc, "demo", 1, 2) == 3


def test_mistakes_are_reported():
    f = Program(request(), "function").function("demo", [("x", "int")], returns="int")
    f.return_(f.params[0])
    with pytest.raises(BuildError, match="unreachable"):
        f.return_(1)
    f = Program(request(), "function").function("demo", [], returns="int")
    with pytest.raises(BuildError, match="does not follow"), f.else_():
        pass
    with pytest.raises(BuildError, match="never reaches"), f.for_each([1, 2], "x"):
        f.return_(1)
    f = Program(request(), "function").function("demo", [("x", "int")], returns="int")
    with pytest.raises(BuildError, match="cannot assign"):
        f.set(f.add(f.params[0], 1), 2)
    with pytest.raises(BuildError, match="takes 2"):
        f.add(1)
    with pytest.raises(AttributeError):
        f.no_such_operation(1)
    with pytest.raises(BuildError, match="unknown type"):
        Program(request(), "function").function("demo", [("x", "matrix")], returns="int")
    program = Program(request(), "function")
    g = program.function("demo", [], returns="int")
    g.return_(g.call("missing"))
    with pytest.raises(BuildError, match="unknown function"):
        program.build()
