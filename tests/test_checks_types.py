"""Type and operation checks (ANRF201-205): failing documents point at the right value,
well-typed ones (including the public v1 example) stay quiet, and the static model
agrees with what the interpreter does."""

from __future__ import annotations

import json
import time

import pytest

import checkers.types as types_check
from anrf_lsp.execution.interpreter import run_function
from anrf_lsp.format.document import load_document
from checkers.context import CheckContext

from .conftest import sum_doc

# -- helpers --------------------------------------------------------------------


def run_types(doc: dict) -> tuple[str, list]:
    """The checked text and the findings of the types module alone."""
    text = json.dumps(doc, indent=2)
    document = load_document(text)
    assert document.model is not None and document.syntax_ok
    return text, list(types_check.check(CheckContext(document)))


def sliced(text: str, finding) -> str:
    """The text a finding's range covers (one line)."""
    rng = finding.range
    assert rng.start.line == rng.end.line, "expected a one-line range"
    return text.split("\n")[rng.start.line][rng.start.character : rng.end.character]


def only(findings, code: str):
    """The single finding of `code` (and no other code from this module)."""
    assert [f.code for f in findings] == [code], [(f.code, f.pointer, f.message) for f in findings]
    f = findings[0]
    assert f.severity == "error"
    return f


def assert_finding(doc: dict, code: str, pointer: str, text_at: str):
    """Exactly one finding, of `code`, at `pointer`, whose range covers `text_at` in the JSON text."""
    text, findings = run_types(doc)
    f = only(findings, code)
    assert f.pointer == pointer
    assert sliced(text, f) == text_at
    return f


def assert_clean(doc: dict) -> None:
    _, findings = run_types(doc)
    assert findings == [], [(f.code, f.pointer, f.message) for f in findings]


TYPES = [
    {"type_id": "type_number", "name": "Number", "type_kind": "primitive"},
    {"type_id": "type_string", "name": "String", "type_kind": "primitive"},
    {"type_id": "type_bool", "name": "Boolean", "type_kind": "primitive"},
    {"type_id": "type_void", "name": "void", "type_kind": "primitive"},
    {"type_id": "type_number_array", "name": "Number[]", "type_kind": "array", "properties": {"element_type": "type_number"}},
    {"type_id": "type_string_array", "name": "String[]", "type_kind": "array", "properties": {"element_type": "type_string"}},
]


def node(node_id: str, op: str, inputs=(), outputs=(), **props) -> dict:
    return {"node_id": node_id, "operation": op, "inputs": list(inputs), "outputs": list(outputs),
            "properties": {k: v for k, v in props.items()}}


def const(node_id: str, value) -> dict:
    return node(node_id, "constant", value=json.dumps(value))


def sem(node_id: str, node_type: str, label: str, refs, **props) -> dict:
    return {"node_id": node_id, "node_type": node_type, "label": label, "properties": props,
            "execution_refs": list(refs), "intent_refs": []}


def document(nodes: list[dict], flow: list[tuple], sem_nodes: list[dict] = (), types: list[dict] = TYPES) -> dict:
    """A small v1 document; `flow` is (source, target[, edge_type]) control edges."""
    edges = [{"edge_id": f"x{k}", "source_id": f[0], "target_id": f[1], "edge_type": f[2] if len(f) > 2 else "control_flow"}
             for k, f in enumerate(flow)]
    return {
        "anrf_id": "test", "version": "v1",
        "intent": {"intent_type": "function", "description": "test document"},
        "semantic": {"nodes": list(sem_nodes), "edges": [], "types": json.loads(json.dumps(types)), "symbol_table": {}},
        "execution": {"format": "graph", "nodes": nodes, "edges": edges},
    }


def exec_index(doc: dict, node_id: str) -> int:
    return next(i for i, n in enumerate(doc["execution"]["nodes"]) if n["node_id"] == node_id)


# -- the public example ---------------------------------------------------------


def test_public_example_has_no_type_findings():
    assert_clean(sum_doc())


def test_public_example_kinds():
    doc = load_document(json.dumps(sum_doc()))
    ctx = CheckContext(doc)
    kinds = types_check.infer_kinds(ctx, types_check.TypeTable(ctx))
    assert kinds["exec_node_2"] == "list<number>"  # numbers: type_number_array
    assert kinds["exec_node_3"] == "number"  # result: type_number
    assert kinds["exec_node_4"] == "number"  # the for_each value: the element
    assert kinds["exec_node_5"] == "number"  # add(number, number)


# -- the type table ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "type_id", "kind"), [
    ("Integer", "t1", "number"), ("double", "t1", "number"), ("x", "type_int", "number"), ("Text", "t1", "string"),
    ("CHAR", "t1", "string"), ("bool", "t1", "boolean"), ("None", "t1", "null"), ("void", "t1", "null"),
    ("Unit", "t1", "null"), ("Money", "t1", "any"), ("", "t_string", "string"),
])
def test_primitive_names_map_to_kinds(name, type_id, kind):
    doc = document([], [], types=[{"type_id": type_id, "name": name, "type_kind": "primitive"}])
    ctx = CheckContext(load_document(json.dumps(doc)))
    assert types_check.TypeTable(ctx).kinds[type_id] == kind


def test_type_kinds_and_array_chains():
    types = [
        {"type_id": "n", "name": "int", "type_kind": "primitive"},
        {"type_id": "nn", "name": "matrix", "type_kind": "array", "properties": {"element_type": "row"}},
        {"type_id": "row", "name": "row", "type_kind": "array", "properties": {"element_type": "n"}},
        {"type_id": "s", "name": "Point", "type_kind": "struct"},
        {"type_id": "u", "name": "int", "type_kind": "union"},
        {"type_id": "o", "name": "int", "type_kind": "nullable"},
        {"type_id": "loop_a", "name": "A", "type_kind": "array", "properties": {"element_type": "loop_b"}},
        {"type_id": "loop_b", "name": "B", "type_kind": "array", "properties": {"element_type": "loop_a"}},
        {"type_id": "self", "name": "S", "type_kind": "array", "properties": {"element_type": "self"}},
        {"type_id": "bare", "name": "B", "type_kind": "array"},
    ]
    ctx = CheckContext(load_document(json.dumps(document([], [], types=types))))
    kinds = types_check.TypeTable(ctx).kinds
    assert kinds["nn"] == "list<list<number>>"
    assert kinds["row"] == "list<number>"
    assert kinds["s"] == "object"
    assert kinds["u"] == kinds["o"] == "any"
    assert kinds["loop_a"].startswith("list") and kinds["loop_b"].startswith("list")
    assert kinds["self"].startswith("list")
    assert kinds["bare"] == "list<any>"


def test_long_element_type_chain_does_not_recurse():
    types = [{"type_id": f"t{k}", "name": f"T{k}", "type_kind": "array", "properties": {"element_type": f"t{k + 1}"}} for k in range(20000)]
    types.append({"type_id": "t20000", "name": "int", "type_kind": "primitive"})
    ctx = CheckContext(load_document(json.dumps(document([], [], types=types))))
    kinds = types_check.TypeTable(ctx).kinds
    assert kinds["t19999"] == "list<number>"
    assert kinds["t0"].startswith("list")


# -- ANRF201: unknown type ----------------------------------------------------------


def test_201_unknown_parameter_type_suggests_a_close_id():
    doc = sum_doc()
    doc["semantic"]["nodes"][1]["properties"]["type"] = "type_nmber_array"
    f = assert_finding(doc, "ANRF201", "/semantic/nodes/1/properties/type", '"type_nmber_array"')
    assert f.data["type_id"] == "type_nmber_array"
    assert f.data["suggestion"] == "type_number_array"
    assert "did you mean 'type_number_array'" in f.message


def test_201_return_type_written_as_a_type_name_suggests_that_type():
    doc = sum_doc()
    doc["semantic"]["nodes"][0]["properties"]["return_type"] = "Number"
    f = assert_finding(doc, "ANRF201", "/semantic/nodes/0/properties/return_type", '"Number"')
    assert "did you mean 'type_number' (named Number)?" in f.message
    assert f.data == {"type_id": "Number", "suggestion": "type_number"}


def test_201_primitive_name_suggests_a_type_of_that_kind():
    doc = sum_doc()
    doc["semantic"]["nodes"][2]["properties"]["type"] = "int"
    f = assert_finding(doc, "ANRF201", "/semantic/nodes/2/properties/type", '"int"')
    assert f.data["suggestion"] == "type_number"


def test_201_unknown_element_type():
    doc = sum_doc()
    doc["semantic"]["types"][1]["properties"]["element_type"] = "type_float"
    f = assert_finding(doc, "ANRF201", "/semantic/types/1/properties/element_type", '"type_float"')
    assert f.data["type_id"] == "type_float"


def test_201_unknown_field_type():
    doc = sum_doc()
    doc["semantic"]["types"].append({"type_id": "type_point", "name": "Point", "type_kind": "struct",
                                     "fields": [{"name": "x", "type_id": "type_number"}, {"name": "label", "type_id": "zzz_unrelated"}]})
    f = assert_finding(doc, "ANRF201", "/semantic/types/2/fields/1/type_id", '"zzz_unrelated"')
    assert "suggestion" not in f.data
    assert "did you mean" not in f.message


def test_201_constant_type_must_be_a_type_id_or_a_kind():
    doc = sum_doc()
    doc["execution"]["nodes"].append(node("c1", "constant", value="1", type="decimal128"))
    assert_finding(doc, "ANRF201", "/execution/nodes/7/properties/type", '"decimal128"')


@pytest.mark.parametrize("written", ["type_number", "number", "integer", "int", "float", "Number", "any", "list<number>"])
def test_201_constant_type_accepts_type_ids_and_kind_names(written):
    doc = sum_doc()
    doc["execution"]["nodes"].append(node("c1", "constant", value="1" if written != "list<number>" else "[1]", type=written))
    assert_clean(doc)


def test_201_empty_or_non_string_references_are_left_to_the_schema_checks():
    doc = sum_doc()
    doc["semantic"]["nodes"][0]["properties"]["return_type"] = ""
    doc["semantic"]["nodes"][2]["properties"]["type"] = 7
    doc["semantic"]["types"][1]["properties"]["element_type"] = ""
    assert_clean(doc)


def test_201_is_reported_once_per_reference():
    doc = sum_doc()
    for n in doc["semantic"]["nodes"]:
        n["properties"] = {"type": "missing_type"}
    _, findings = run_types(doc)
    assert [f.pointer for f in findings] == [f"/semantic/nodes/{i}/properties/type" for i in range(3)]


# -- ANRF204: parent types ---------------------------------------------------------


def _structs(*pairs) -> list[dict]:
    """(type_id, parent, kind) triples -> types."""
    return [{"type_id": t, "name": t.title(), "type_kind": k, "parent_type": p} for t, p, k in pairs]


def test_204_parent_naming_no_type():
    doc = document([], [], types=[*TYPES, *_structs(("animal", "", "struct"), ("dog", "anmal", "struct"))])
    f = assert_finding(doc, "ANRF204", "/semantic/types/7/parent_type", '"anmal"')
    assert f.data["type_id"] == "anmal"
    assert "did you mean 'animal'" in f.message


def test_204_inheritance_cycle_is_reported_once_at_its_first_type():
    doc = document([], [], types=_structs(("a", "c", "struct"), ("b", "a", "struct"), ("c", "b", "struct"), ("d", "a", "struct")))
    f = assert_finding(doc, "ANRF204", "/semantic/types/0/parent_type", '"c"')
    assert "inheritance cycle" in f.message
    assert "'a' → 'c' → 'b' → 'a'" in f.message
    assert sorted(r.pointer for r in f.related) == ["/semantic/types/1/parent_type", "/semantic/types/2/parent_type"]
    assert f.data["cycle"] == ["a", "c", "b"]


def test_204_self_parent_is_a_cycle():
    doc = document([], [], types=_structs(("a", "a", "struct")))
    f = assert_finding(doc, "ANRF204", "/semantic/types/0/parent_type", '"a"')
    assert "'a' → 'a'" in f.message


def test_204_two_separate_cycles_give_two_findings():
    doc = document([], [], types=_structs(("a", "b", "struct"), ("b", "a", "struct"), ("c", "d", "struct"), ("d", "c", "struct")))
    _, findings = run_types(doc)
    assert [(f.code, f.pointer) for f in findings] == [("ANRF204", "/semantic/types/0/parent_type"), ("ANRF204", "/semantic/types/2/parent_type")]


def test_204_struct_with_a_non_struct_parent():
    doc = document([], [], types=[*TYPES, *_structs(("point", "type_number_array", "struct"))])
    f = assert_finding(doc, "ANRF204", "/semantic/types/6/parent_type", '"type_number_array"')
    assert "can only extend a struct" in f.message


def test_204_primitive_with_a_parent():
    doc = document([], [], types=[*TYPES, *_structs(("id", "type_number", "primitive"))])
    f = assert_finding(doc, "ANRF204", "/semantic/types/6/parent_type", '"type_number"')
    assert "cannot have a parent" in f.message


def test_204_valid_inheritance_chain_passes():
    doc = document([], [], types=_structs(("base", "", "struct"), ("mid", "base", "struct"), ("leaf", "mid", "struct")))
    assert_clean(doc)


def test_204_long_inheritance_chain_does_not_recurse():
    chain = [(f"t{k}", f"t{k + 1}" if k < 19999 else "", "struct") for k in range(20000)]
    assert_clean(document([], [], types=_structs(*chain)))


# -- ANRF205: operations, arity, control edges -------------------------------------


@pytest.mark.parametrize("written", ["addd", "Add", "ADD"])
def test_205_unknown_operation_suggests_the_closest(written):
    doc = sum_doc()
    doc["execution"]["nodes"][4]["operation"] = written
    f = assert_finding(doc, "ANRF205", "/execution/nodes/4/operation", f'"{written}"')
    assert "did you mean 'add'" in f.message
    assert f.data == {"operation": written, "suggestion": "add"}


def test_205_unknown_operation_without_a_close_name():
    doc = sum_doc()
    doc["execution"]["nodes"][4]["operation"] = "accumulate_everything"
    f = assert_finding(doc, "ANRF205", "/execution/nodes/4/operation", '"accumulate_everything"')
    assert "did you mean" not in f.message


def test_205_too_many_inputs_points_at_the_first_extra_one():
    doc = sum_doc()
    doc["execution"]["nodes"][4]["inputs"].append("exec_node_2")
    f = assert_finding(doc, "ANRF205", "/execution/nodes/4/inputs/2", '"exec_node_2"')
    assert f.message == "'add' takes 2 input(s), got 3"


def test_205_too_few_inputs_points_at_the_inputs():
    doc = sum_doc()
    doc["execution"]["nodes"][4]["inputs"] = ["exec_node_3"]
    f = assert_finding(doc, "ANRF205", "/execution/nodes/4/inputs", '"inputs"')
    assert "takes 2 input(s), got 1" in f.message


def test_205_parameter_with_inputs():
    doc = sum_doc()
    doc["execution"]["nodes"][1]["inputs"] = ["exec_node_3"]
    f = assert_finding(doc, "ANRF205", "/execution/nodes/1/inputs/0", '"exec_node_3"')
    assert "'parameter' takes 0 input(s)" in f.message


def test_205_branch_edge_from_an_op_without_branches():
    doc = sum_doc()
    doc["execution"]["edges"][4]["edge_type"] = "true_branch"  # add -> end_loop
    f = assert_finding(doc, "ANRF205", "/execution/edges/4/edge_type", '"true_branch"')
    assert "'add' node cannot have a true_branch edge" in f.message


def test_205_second_control_flow_edge_out_of_a_node():
    doc = sum_doc()
    doc["execution"]["edges"].append({"edge_id": "exec_edge_7", "source_id": "exec_node_5", "target_id": "exec_node_7", "edge_type": "control_flow"})
    f = assert_finding(doc, "ANRF205", "/execution/edges/6", '"exec_edge_7"')
    assert "more than one control_flow edge" in f.message
    assert f.related[0].pointer == "/execution/edges/4"


def test_205_end_loop_back_edge_to_its_loop_is_allowed():
    doc = sum_doc()
    doc["execution"]["edges"].append({"edge_id": "back", "source_id": "exec_node_6", "target_id": "exec_node_4", "edge_type": "control_flow"})
    assert_clean(doc)


def test_205_loop_without_loop_body():
    doc = sum_doc()
    del doc["execution"]["edges"][3]
    f = assert_finding(doc, "ANRF205", "/execution/nodes/3", '"exec_node_4"')
    assert "no loop_body edge" in f.message


def test_205_loop_without_end_loop():
    doc = sum_doc()
    doc["execution"]["nodes"][5]["operation"] = "neg"  # the end_loop becomes an ordinary statement
    doc["execution"]["nodes"][5]["inputs"] = ["exec_node_3"]
    f = assert_finding(doc, "ANRF205", "/execution/nodes/3", '"exec_node_4"')
    assert "no end_loop" in f.message


def _caller(call_props: dict, args: list[str]) -> dict:
    """twice(x) = x + x, and main(a) calls something."""
    nodes = [
        node("f_twice", "function_def", ["p_x"], name="twice"), node("p_x", "parameter", name="x"),
        node("t_add", "add", ["p_x", "p_x"]), node("t_ret", "return", ["t_add"]),
        node("f_main", "function_def", ["p_a"], name="main"), node("p_a", "parameter", name="a"),
        node("m_call", "call", args, **call_props), node("m_ret", "return", ["m_call"]),
    ]
    flow = [("f_twice", "p_x"), ("p_x", "t_ret"), ("f_main", "p_a"), ("p_a", "m_call"), ("m_call", "m_ret")]
    return document(nodes, flow)


def test_205_call_passes():
    assert_clean(_caller({"function": "twice"}, ["p_a"]))


def test_205_call_to_an_unknown_function():
    doc = _caller({"function": "twise"}, ["p_a"])
    f = assert_finding(doc, "ANRF205", "/execution/nodes/6/properties/function", '"twise"')
    assert "unknown function 'twise'" in f.message and "did you mean 'twice'" in f.message


def test_205_call_without_a_function_name():
    f = assert_finding(_caller({}, ["p_a"]), "ANRF205", "/execution/nodes/6", '"m_call"')
    assert "no properties.function" in f.message


def test_205_call_with_the_wrong_argument_count():
    f = assert_finding(_caller({"function": "twice"}, ["p_a", "p_a"]), "ANRF205", "/execution/nodes/6/inputs/1", '"p_a"')
    assert f.message == "call to 'twice' passes 2 argument(s); 'twice' takes 1"
    assert f.related[0].pointer == "/execution/nodes/0"
    f = assert_finding(_caller({"function": "twice"}, []), "ANRF205", "/execution/nodes/6/inputs", '"inputs"')
    assert "passes 0 argument(s)" in f.message


def test_205_function_def_without_a_name():
    doc = sum_doc()
    del doc["execution"]["nodes"][0]["properties"]["name"]
    f = assert_finding(doc, "ANRF205", "/execution/nodes/0", '"exec_node_1"')
    assert "no properties.name" in f.message


def _loop_with(stmt: str, inside: bool) -> dict:
    """for x in xs: (if true: <stmt>) end_loop; return   -- or the statement after the loop."""
    nodes = [node("f", "function_def", ["p"], name="f"), node("p", "parameter", name="xs"), node("loop", "for_each", ["p"]),
             const("yes", True), node("br", "if", ["yes"]), node("s", stmt), node("end", "end_loop"), node("ret", "return")]
    if inside:
        flow = [("f", "p"), ("p", "loop"), ("loop", "br", "loop_body"), ("br", "s", "true_branch"), ("br", "end", "false_branch"),
                ("end", "ret")]
    else:
        flow = [("f", "p"), ("p", "loop"), ("loop", "end", "loop_body"), ("end", "s"), ("s", "ret")]
    return document(nodes, flow)


@pytest.mark.parametrize("stmt", ["break", "continue"])
def test_205_break_and_continue_outside_a_loop(stmt):
    f = assert_finding(_loop_with(stmt, inside=False), "ANRF205", "/execution/nodes/5", '"s"')
    assert f.message == f"{stmt} 's' is outside any loop"


@pytest.mark.parametrize("stmt", ["break", "continue"])
def test_205_break_and_continue_inside_a_loop_pass(stmt):
    doc = _loop_with(stmt, inside=True)
    assert_clean(doc)
    assert run_function(load_document(json.dumps(doc)).model, [[1, 2]]) is None


def test_205_break_with_an_edge_out_of_it():
    doc = _loop_with("break", inside=True)
    doc["execution"]["edges"].append({"edge_id": "odd", "source_id": "s", "target_id": "end", "edge_type": "loop_body"})
    f = assert_finding(doc, "ANRF205", "/execution/edges/6/edge_type", '"loop_body"')
    assert "'break' node cannot have a loop_body edge (allowed: none)" in f.message


def test_205_operation_checks_skip_non_graph_formats():
    doc = sum_doc()
    doc["execution"]["format"] = "bytecode"
    doc["execution"]["nodes"][4]["operation"] = "LOAD_FAST"
    assert_clean(doc)


# -- ANRF202: operand types ------------------------------------------------------------


def test_202_add_number_and_boolean():
    doc = sum_doc()
    doc["execution"]["nodes"].append(const("exec_node_9", True))
    doc["execution"]["nodes"][4]["inputs"] = ["exec_node_3", "exec_node_9"]
    f = assert_finding(doc, "ANRF202", "/execution/nodes/4/inputs/1", '"exec_node_9"')
    assert f.message == "add expects (number, number), (string, string) or (list, list); input 2 'exec_node_9' is boolean"
    assert f.data["actual"] == "boolean"


def test_202_blames_the_first_input_when_no_signature_fits_it():
    doc = sum_doc()
    doc["execution"]["nodes"].append(const("exec_node_9", True))
    doc["execution"]["nodes"][4]["inputs"] = ["exec_node_9", "exec_node_3"]
    f = assert_finding(doc, "ANRF202", "/execution/nodes/4/inputs/0", '"exec_node_9"')
    assert "input 1 'exec_node_9' is boolean" in f.message


def test_202_for_each_over_a_number():
    doc = sum_doc()
    doc["semantic"]["nodes"][1]["properties"]["type"] = "type_number"
    f = assert_finding(doc, "ANRF202", "/execution/nodes/3/inputs/0", '"exec_node_2"')
    assert f.message == "for_each iterates a list, a string or an object; input 1 'exec_node_2' is number"


def test_202_element_kind_flows_from_the_array_type():
    doc = sum_doc()  # numbers: String[] -> the element is a string, add(number, string) fails
    doc["semantic"]["types"].append({"type_id": "type_string", "name": "String", "type_kind": "primitive"})
    doc["semantic"]["types"][1]["properties"]["element_type"] = "type_string"
    f = assert_finding(doc, "ANRF202", "/execution/nodes/4/inputs/1", '"exec_node_4"')
    assert "input 2 'exec_node_4' is string" in f.message


def test_202_assignment_of_another_kind_to_a_declared_variable():
    doc = sum_doc()  # result = len(numbers) is fine; result = upper(...) of a string is not
    doc["semantic"]["types"].append({"type_id": "type_string", "name": "String", "type_kind": "primitive"})
    nodes = doc["execution"]["nodes"]
    nodes.append(const("c_text", "abc"))
    nodes.append(node("up", "upper", ["c_text"], ["exec_node_3"]))
    doc["execution"]["edges"][5]["target_id"] = "up"  # end_loop -> up -> return
    doc["execution"]["edges"].append({"edge_id": "e_up", "source_id": "up", "target_id": "exec_node_7", "edge_type": "control_flow"})
    f = assert_finding(doc, "ANRF202", "/execution/nodes/8/outputs/0", '"exec_node_3"')
    assert f.message == "'upper' node 'up' assigns string to variable 'result' (exec_node_3) of kind number"
    assert f.related[0].pointer == "/execution/nodes/2"


def test_202_undeclared_variable_takes_the_kind_of_its_initial_value():
    nodes = [node("f", "function_def", [], name="f"), node("v", "variable_def", initial_value="0"),
             const("c", "text"), node("set", "assign", ["v", "c"]), node("ret", "return", ["v"])]
    doc = document(nodes, [("f", "v"), ("v", "set"), ("set", "ret")])
    f = assert_finding(doc, "ANRF202", "/execution/nodes/3/inputs/1", '"c"')
    assert "assigns string to variable" in f.message


def test_202_variable_initialised_to_null_takes_any_kind():
    nodes = [node("f", "function_def", [], name="f"), node("v", "variable_def", initial_value="null"),
             const("c", "text"), node("set", "assign", ["v", "c"]), node("ret", "return", ["v"])]
    assert_clean(document(nodes, [("f", "v"), ("v", "set"), ("set", "ret")]))


def _branching(cond_value, loop: str = "if") -> dict:
    nodes = [node("f", "function_def", [], name="f"), const("c", cond_value), node("b", loop, ["c"]),
             node("body", "end_loop") if loop == "while" else node("r1", "return"), node("r2", "return")]
    if loop == "while":
        flow = [("f", "b"), ("b", "body", "loop_body"), ("body", "r2")]
    else:
        flow = [("f", "b"), ("b", "r1", "true_branch"), ("b", "r2", "false_branch")]
    return document(nodes, flow)


def test_202_if_condition_must_be_boolean():
    f = assert_finding(_branching(1), "ANRF202", "/execution/nodes/2/inputs/0", '"c"')
    assert f.message == "if condition must be a boolean; input 1 'c' is number"


def test_202_while_condition_must_be_boolean():
    f = assert_finding(_branching("yes", loop="while"), "ANRF202", "/execution/nodes/2/inputs/0", '"c"')
    assert f.message == "while condition must be a boolean; input 1 'c' is string"


def test_202_boolean_conditions_pass():
    assert_clean(_branching(True))
    assert_clean(_branching(False, loop="while"))


def test_202_constant_literal_of_another_kind_than_its_type():
    doc = sum_doc()
    doc["execution"]["nodes"].append(node("c1", "constant", value="5", type="string"))
    f = assert_finding(doc, "ANRF202", "/execution/nodes/7/properties/value", '"5"')
    assert "value is number" in f.message and '"\\"5\\""' in f.message


def test_202_unknown_kinds_never_produce_findings():
    doc = sum_doc()
    for n in doc["semantic"]["nodes"]:
        n["properties"] = {}  # no declared types at all
    doc["execution"]["nodes"][2]["properties"].pop("initial_value")
    assert_clean(doc)


def test_202_nullable_and_union_types_are_unknown():
    doc = sum_doc()
    doc["semantic"]["types"].append({"type_id": "maybe", "name": "Number?", "type_kind": "nullable"})
    doc["semantic"]["nodes"][2]["properties"]["type"] = "maybe"
    doc["semantic"]["nodes"][0]["properties"]["return_type"] = "maybe"
    assert_clean(doc)


def test_202_cyclic_inputs_and_deep_chains_do_not_recurse():
    chain = [node(f"n{k}", "add", [f"n{k + 1}", "one"]) for k in range(30000)]
    chain.append(const("n30000", 1))
    chain.append(const("one", 1))
    cyc = [node("a", "add", ["b", "one"]), node("b", "neg", ["a"])]
    doc = document([node("f", "function_def", [], name="f"), *chain, *cyc, node("ret", "return", ["n0"])], [("f", "ret")])
    assert_clean(doc)
    ctx = CheckContext(load_document(json.dumps(doc)))
    kinds = types_check.infer_kinds(ctx, types_check.TypeTable(ctx))
    assert kinds["n0"] == "number" and kinds["a"] == "number"


# -- ANRF203: return types ---------------------------------------------------------


def test_203_return_of_another_kind():
    doc = sum_doc()
    doc["semantic"]["types"].append({"type_id": "type_string", "name": "String", "type_kind": "primitive"})
    doc["semantic"]["nodes"][0]["properties"]["return_type"] = "type_string"
    f = assert_finding(doc, "ANRF203", "/execution/nodes/6", '"exec_node_7"')
    assert f.message == "return 'exec_node_7' gives number ('exec_node_3') but function 'sum' returns string"
    assert f.related[0].pointer == "/execution/nodes/0"


def test_203_return_without_a_value():
    doc = sum_doc()
    doc["execution"]["nodes"][6]["inputs"] = []
    f = assert_finding(doc, "ANRF203", "/execution/nodes/6", '"exec_node_7"')
    assert "has no value (null)" in f.message


def test_203_void_function_may_return_nothing():
    doc = sum_doc()
    doc["semantic"]["types"].append({"type_id": "type_void", "name": "void", "type_kind": "primitive"})
    doc["semantic"]["nodes"][0]["properties"]["return_type"] = "type_void"
    doc["execution"]["nodes"][6]["inputs"] = []
    assert_clean(doc)


def test_203_every_return_of_the_function_is_checked():
    # if x > 0: return "positive" else: return x   (declared: string)
    nodes = [node("f", "function_def", ["x"], name="sign"), node("x", "parameter", name="x"), const("zero", 0),
             node("gt", "gt", ["x", "zero"]), node("if", "if", ["gt"]), const("pos", "positive"),
             node("r1", "return", ["pos"]), node("r2", "return", ["x"])]
    sems = [sem("s_f", "function", "sign", ["f"], return_type="type_string"), sem("s_x", "parameter", "x", ["x"], type="type_number")]
    doc = document(nodes, [("f", "x"), ("x", "if"), ("if", "r1", "true_branch"), ("if", "r2", "false_branch")], sems)
    f = assert_finding(doc, "ANRF203", "/execution/nodes/7", '"r2"')
    assert "gives number ('x')" in f.message


# -- a well-typed program with every construct --------------------------------------


def _program() -> dict:
    """shout(w) = upper(w) + "!";  join_words(words, limit): out = ""; i = 0
    while i < limit: w = words[i]; if contains(w, "a"): out = out + shout(w) else: out = out + lower(w); i = i + 1
    return out"""
    nodes = [
        node("f_shout", "function_def", ["p_w"], name="shout"), node("p_w", "parameter", name="w"),
        node("up", "upper", ["p_w"]), const("bang", "!"), node("shout_add", "add", ["up", "bang"]),
        node("shout_ret", "return", ["shout_add"]),
        node("f_main", "function_def", ["p_words", "p_limit"], name="join_words"),
        node("p_words", "parameter", name="words"), node("p_limit", "parameter", name="limit"),
        node("v_out", "variable_def", name="out", initial_value='""'), node("v_i", "variable_def", name="i", initial_value="0"),
        node("cond", "lt", ["v_i", "p_limit"]), node("loop", "while", ["cond"]),
        node("word", "index", ["p_words", "v_i"]), const("a", "a"), node("has_a", "contains", ["word", "a"]),
        node("branch", "if", ["has_a"]),
        node("call", "call", ["word"], function="shout"), node("add_loud", "add", ["v_out", "call"], ["v_out"]),
        node("low", "lower", ["word"]), node("add_low", "add", ["v_out", "low"], ["v_out"]),
        const("one", 1), node("inc", "add", ["v_i", "one"], ["v_i"]), node("end", "end_loop"),
        node("n", "len", ["v_out"]), node("ok", "ge", ["n", "one"]), node("both", "and", ["ok", "has_a"]),
        node("ret", "return", ["v_out"]),
    ]
    flow = [
        ("f_shout", "p_w"), ("p_w", "shout_ret"),
        ("f_main", "p_words"), ("p_words", "p_limit"), ("p_limit", "v_out"), ("v_out", "v_i"), ("v_i", "loop"),
        ("loop", "branch", "loop_body"), ("branch", "add_loud", "true_branch"), ("branch", "add_low", "false_branch"),
        ("add_loud", "inc"), ("add_low", "inc"), ("inc", "end"), ("end", "ret"),
    ]
    sems = [
        sem("s_shout", "function", "shout", ["f_shout"], return_type="type_string"),
        sem("s_w", "parameter", "w", ["p_w"], type="type_string"),
        sem("s_main", "function", "join_words", ["f_main"], return_type="type_string"),
        sem("s_words", "parameter", "words", ["p_words"], type="type_string_array"),
        sem("s_limit", "parameter", "limit", ["p_limit"], type="type_number"),
        sem("s_out", "variable", "out", ["v_out"], type="type_string"),
        sem("s_i", "variable", "i", ["v_i"], type="type_number"),
    ]
    return document(nodes, flow, sems)


def test_well_typed_program_with_if_while_call_and_string_ops_passes():
    doc = _program()
    assert_clean(doc)
    ctx = CheckContext(load_document(json.dumps(doc)))
    kinds = types_check.infer_kinds(ctx, types_check.TypeTable(ctx))
    assert kinds["word"] == "string" and kinds["call"] == "string" and kinds["has_a"] == "boolean" and kinds["both"] == "boolean"
    # and the interpreter agrees: it runs without a type error
    model = load_document(json.dumps(doc)).model
    assert run_function(model, [["cat", "Dog", "bird"], 3], "join_words") == "CAT!dogbird"


def test_well_typed_program_mutations_are_caught():
    doc = _program()
    doc["semantic"]["nodes"][0]["properties"]["return_type"] = "type_number"  # shout returns a string
    _, findings = run_types(doc)
    # shout's own return, and the call's declared kind now breaks add(string, number)
    assert sorted(f.code for f in findings) == ["ANRF202", "ANRF203"]
    doc = _program()
    doc["semantic"]["nodes"][4]["properties"]["type"] = "type_string"  # limit: string, lt(number, string)
    f = only(run_types(doc)[1], "ANRF202")
    assert f.pointer == f"/execution/nodes/{exec_index(doc, 'cond')}/inputs/1"


# -- robustness and speed ----------------------------------------------------------


def test_malformed_content_never_raises():
    doc = sum_doc()
    ex = doc["execution"]
    ex["nodes"].append({"node_id": "", "operation": ""})
    ex["nodes"].append(dict(ex["nodes"][4]))  # duplicate id
    ex["nodes"].append(node("dangling", "add", ["nope", "exec_node_3"], ["nowhere"]))
    ex["nodes"].append(node("c", "call", [], function=5))
    ex["nodes"].append(node("k", "constant", value=[1, 2], type="list"))
    ex["edges"].append({"edge_id": "e", "source_id": "ghost", "target_id": "exec_node_1", "edge_type": "loop_body"})
    doc["semantic"]["types"].append({"type_id": "", "name": "", "parent_type": ""})
    doc["semantic"]["nodes"].append({"node_id": "s", "execution_refs": ["ghost", "k"], "properties": {"type": "type_number_array"}})
    _, findings = run_types(doc)
    assert all(f.code.startswith("ANRF20") for f in findings)


def test_ten_thousand_nodes_check_quickly():
    from benchmarks.generate import make_text

    document_ = load_document(make_text(10000))
    ctx = CheckContext(document_)
    _ = ctx.graph, ctx.covering  # built once and shared with the other checkers: not counted here
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        findings = types_check.check(ctx)
        best = min(best, time.perf_counter() - start)
    assert findings == []
    assert best < 0.25, f"types checks took {best * 1e3:.0f} ms for 10k nodes (target: well under 60 ms on one core)"
