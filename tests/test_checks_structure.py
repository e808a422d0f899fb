"""Structure checks (ANRF101-107): each code on a failing mutation of the public example
(code, severity, pointer, and the text its range underlines) and on a passing one."""

from __future__ import annotations

import json
import time

import pytest

from anrf_lsp.format.document import load_document
from checkers.context import CheckContext

from .conftest import check_dict, run, sum_doc, text_at

STRUCTURE_CODES = {"ANRF101", "ANRF102", "ANRF103", "ANRF104", "ANRF105", "ANRF106", "ANRF107", "ANRF108"}






def only(findings, code: str, pointer: str | None = None):
    found = [f for f in findings if f.code == code and (pointer is None or f.pointer == pointer)]
    assert len(found) == 1, [(f.code, f.pointer, f.message) for f in findings]
    return found[0]


def test_public_example_has_no_errors_and_no_structure_findings():
    findings = check_dict(sum_doc())
    assert [f for f in findings if f.severity == "error"] == []
    assert not [f for f in findings if f.code in STRUCTURE_CODES]


# -- ANRF101 ------------------------------------------------------------------------


def test_missing_required_field():
    doc = sum_doc()
    del doc["semantic"]["nodes"][0]["node_type"]
    text, findings = run(doc)
    f = only(findings, "ANRF101", "/semantic/nodes/0/node_type")
    assert f.severity == "error"
    assert f.message.startswith("missing required field 'node_type'") and "parameter" in f.message
    assert text_at(text, f.range) == '"func_sum"'  # the object it is missing from, by its id


def test_empty_required_field():
    doc = sum_doc()
    doc["semantic"]["edges"][1]["edge_id"] = ""
    text, findings = run(doc)
    f = only(findings, "ANRF101", "/semantic/edges/1/edge_id")
    assert f.severity == "error" and f.message == "'edge_id' must not be empty"
    assert text_at(text, f.range) == '""'


def test_null_enum_field():
    doc = sum_doc()
    doc["semantic"]["edges"][0]["edge_type"] = None
    text, findings = run(doc)
    f = only(findings, "ANRF101", "/semantic/edges/0/edge_type")
    assert "must not be null" in f.message and "has_parameter" in f.message
    assert text_at(text, f.range) == "null"


def test_missing_layer_is_one_finding():
    doc = sum_doc()
    del doc["semantic"]
    _, findings = run(doc)
    f = only(findings, "ANRF101", "/semantic")
    assert f.message == "missing required field 'semantic'"


def test_required_fields_present_pass():
    doc = sum_doc()
    doc["semantic"]["types"][1]["fields"] = [{"name": "first", "type_id": "type_number"}]
    assert "ANRF101" not in [f.code for f in check_dict(doc)]


def test_non_string_property_value_is_a_warning():
    doc = sum_doc()
    doc["metadata"]["confidence_score"] = 0.95
    doc["execution"]["nodes"][2]["properties"]["initial_value"] = 0
    text, findings = run(doc)
    meta = only(findings, "ANRF101", "/metadata/confidence_score")
    assert meta.severity == "warning"
    assert "property values are strings in ANRF v1; found a number" in meta.message and '"0.95"' in meta.message
    assert text_at(text, meta.range) == "0.95"
    node = only(findings, "ANRF101", "/execution/nodes/2/properties/initial_value")
    assert node.severity == "warning" and text_at(text, node.range) == "0"


@pytest.mark.parametrize("code", ["not base64!", "AAECA", "AA=A", "AAE===="])
def test_invalid_base64_code(code):
    doc = sum_doc()
    doc["execution"]["code"] = code
    text, findings = run(doc)
    f = only(findings, "ANRF101", "/execution/code")
    assert f.severity == "error" and "base64" in f.message
    assert text_at(text, f.range) == json.dumps(code)


@pytest.mark.parametrize("code", ["", "AAEC", "AAE=", "AAE", "-_8A", "SGVsbG8gd29ybGQ="])
def test_valid_base64_code(code):
    doc = sum_doc()
    doc["execution"]["code"] = code
    assert "ANRF101" not in [f.code for f in check_dict(doc)]


def test_unknown_exec_edge_type_is_a_warning():
    doc = sum_doc()
    doc["execution"]["edges"].append({"edge_id": "e_extra", "source_id": "exec_node_5", "target_id": "exec_node_3", "edge_type": "weird"})
    text, findings = run(doc)
    f = only(findings, "ANRF101", "/execution/edges/6/edge_type")
    assert f.severity == "warning" and "'weird'" in f.message and "ignores" in f.message and "control_flow" in f.message
    assert text_at(text, f.range) == '"weird"'


def test_type_errors_are_reported_once():
    doc = sum_doc()
    doc["semantic"]["nodes"][0]["node_id"] = 7  # load_document's ANRF101; no "missing" follow-up
    _, findings = run(doc)
    assert [f.pointer for f in findings if f.code == "ANRF101"] == ["/semantic/nodes/0/node_id"]


# -- ANRF102 ------------------------------------------------------------------------


def test_unsupported_version():
    doc = sum_doc()
    doc["version"] = "v2"
    text, findings = run(doc)
    f = only(findings, "ANRF102")
    assert (f.severity, f.pointer) == ("error", "/version") and "'v2'" in f.message
    assert text_at(text, f.range) == '"v2"'


def test_minor_version_is_a_warning():
    doc = sum_doc()
    doc["version"] = "v1.2"
    text, findings = run(doc)
    f = only(findings, "ANRF102")
    assert (f.severity, f.pointer) == ("warning", "/version")
    assert text_at(text, f.range) == '"v1.2"'


def test_v1_passes():
    assert "ANRF102" not in [f.code for f in check_dict(sum_doc())]


# -- ANRF103 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "listname", "field", "scope", "first", "second"),
    [
        ("semantic", "nodes", "node_id", "semantic_node", 1, 2),
        ("semantic", "edges", "edge_id", "semantic_edge", 0, 1),
        ("semantic", "types", "type_id", "type", 0, 1),
        ("execution", "nodes", "node_id", "exec_node", 1, 2),
        ("execution", "edges", "edge_id", "exec_edge", 2, 4),
    ],
)
def test_duplicate_ids(layer, listname, field, scope, first, second):
    doc = sum_doc()
    items = doc[layer][listname]
    ident = items[first][field]
    items[second][field] = ident
    text, findings = run(doc)
    f = only(findings, "ANRF103")
    assert f.severity == "error"
    assert f.pointer == f"/{layer}/{listname}/{second}/{field}"
    assert f.data == {"id": ident, "scope": scope}
    assert f"'{ident}'" in f.message and f"{layer}.{listname}[{first}]" in f.message
    assert text_at(text, f.range) == json.dumps(ident)
    assert f.related[0].pointer == f"/{layer}/{listname}/{first}/{field}"
    assert f.related[0].message == "first defined here"
    assert text_at(text, f.related[0].range) == json.dumps(ident)


def test_same_id_in_different_scopes_passes():
    doc = sum_doc()
    doc["semantic"]["edges"][0]["edge_id"] = "func_sum"  # a node id, but edges are their own scope
    doc["execution"]["edges"][0]["edge_id"] = "exec_node_1"
    assert "ANRF103" not in [f.code for f in check_dict(doc)]


# -- ANRF104 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind", "field"),
    [
        (("semantic", "edges", 0, "target_id"), "semantic_node", "target_id"),
        (("execution", "edges", 2, "source_id"), "exec_node", "source_id"),
        (("execution", "nodes", 4, "inputs", 1), "exec_node", "inputs"),
        (("execution", "nodes", 1, "outputs", 0), "exec_node", "outputs"),
        (("semantic", "nodes", 1, "execution_refs", 0), "exec_node", "execution_refs"),
        (("semantic", "symbol_table", "numbers"), "semantic_node", "symbol_table"),
    ],
)
def test_dangling_references(path, kind, field):
    doc = sum_doc()
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = "ghost_9"
    text, findings = run(doc)
    pointer = "/" + "/".join(str(p) for p in path)
    f = only(findings, "ANRF104", pointer)
    assert f.severity == "error"
    assert f.data == {"ref": "ghost_9", "kind": kind, "field": field}
    assert "'ghost_9'" in f.message and ("execution node" if kind == "exec_node" else "semantic node") in f.message
    assert text_at(text, f.range) == '"ghost_9"'


def test_type_references_are_not_structure_findings():
    doc = sum_doc()
    doc["semantic"]["nodes"][1]["properties"]["type"] = "type_ghost"
    assert "ANRF104" not in [f.code for f in check_dict(doc)]


def test_resolved_references_pass():
    assert "ANRF104" not in [f.code for f in check_dict(sum_doc())]


# -- ANRF105 ------------------------------------------------------------------------


@pytest.mark.parametrize("edge_type", ["contains", "inherits"])
def test_semantic_cycle(edge_type):
    doc = sum_doc()
    doc["semantic"]["edges"] += [
        {"edge_id": "c1", "source_id": "func_sum", "target_id": "param_numbers", "edge_type": edge_type},
        {"edge_id": "c2", "source_id": "param_numbers", "target_id": "var_result", "edge_type": edge_type},
        {"edge_id": "c3", "source_id": "var_result", "target_id": "func_sum", "edge_type": edge_type},
    ]
    text, findings = run(doc)
    f = only(findings, "ANRF105")
    assert (f.severity, f.pointer) == ("error", "/semantic/edges/2")
    assert f"'{edge_type}' edges form a cycle: 'func_sum' → 'param_numbers' → 'var_result' → 'func_sum'" in f.message
    assert text_at(text, f.range) == '"c1"'


def test_contains_self_loop_and_separate_kinds():
    doc = sum_doc()
    doc["semantic"]["edges"] += [
        {"edge_id": "self", "source_id": "func_sum", "target_id": "func_sum", "edge_type": "contains"},
        # one contains and one inherits edge between the same nodes: no cycle of either kind
        {"edge_id": "a", "source_id": "param_numbers", "target_id": "var_result", "edge_type": "contains"},
        {"edge_id": "b", "source_id": "var_result", "target_id": "param_numbers", "edge_type": "inherits"},
    ]
    _, findings = run(doc)
    f = only(findings, "ANRF105")
    assert f.pointer == "/semantic/edges/2" and "'func_sum' → 'func_sum'" in f.message


def test_control_flow_cycle():
    doc = sum_doc()
    doc["execution"]["edges"].append(
        {"edge_id": "back", "source_id": "exec_node_7", "target_id": "exec_node_5", "edge_type": "control_flow"}
    )
    text, findings = run(doc)
    f = only(findings, "ANRF105")
    assert (f.severity, f.pointer) == ("error", "/execution/edges/4")  # first edge of the cycle, in document order
    assert "'exec_node_5' → 'exec_node_6' → 'exec_node_7' → 'exec_node_5'" in f.message
    assert text_at(text, f.range) == '"exec_edge_5"'


def test_loop_back_edge_and_acyclic_graphs_pass():
    doc = sum_doc()
    # an explicit back edge from end_loop to its loop is how loops repeat: allowed
    doc["execution"]["edges"].append(
        {"edge_id": "back", "source_id": "exec_node_6", "target_id": "exec_node_4", "edge_type": "control_flow"}
    )
    doc["semantic"]["edges"].append({"edge_id": "c1", "source_id": "func_sum", "target_id": "var_result", "edge_type": "contains"})
    assert "ANRF105" not in [f.code for f in check_dict(doc)]


# -- ANRF106 ------------------------------------------------------------------------


def test_unreachable_node():
    doc = sum_doc()
    doc["execution"]["nodes"].append({"node_id": "orphan", "operation": "len", "inputs": ["exec_node_2"], "outputs": [], "properties": {}})
    text, findings = run(doc)
    f = only(findings, "ANRF106")
    assert (f.severity, f.pointer) == ("warning", "/execution/nodes/7")
    assert "'orphan'" in f.message and f.data == {"node_id": "orphan"}
    assert text_at(text, f.range) == '"orphan"'


def test_no_function_def_is_one_finding():
    doc = sum_doc()
    doc["execution"]["nodes"][0]["operation"] = "constant"
    text, findings = run(doc)
    f = only(findings, "ANRF106")
    assert f.pointer == "/execution/nodes" and "no 'function_def'" in f.message
    assert text_at(text, f.range) == '"nodes"'


def test_reachable_nodes_and_other_formats_pass():
    assert "ANRF106" not in [f.code for f in check_dict(sum_doc())]
    doc = sum_doc()
    doc["execution"]["format"] = "bytecode"
    doc["execution"]["nodes"].append({"node_id": "orphan", "operation": "len", "inputs": [], "outputs": []})
    assert "ANRF106" not in [f.code for f in check_dict(doc)]


# -- ANRF107 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ("x_top",),
        ("intent", "constraints", 0, "x_c"),
        ("semantic", "nodes", 1, "x_node"),
        ("semantic", "types", 1, "fields", 0, "x_field"),
        ("execution", "x_exec"),
        ("execution", "edges", 3, "x_edge"),
    ],
)
def test_unknown_field(path):
    doc = sum_doc()
    doc["semantic"]["types"][1]["fields"] = [{"name": "f", "type_id": "type_number"}]
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = {"some": ["value"]}
    text, findings = run(doc)
    f = only(findings, "ANRF107")
    assert f.severity == "warning"
    assert f.pointer == "/" + "/".join(str(p) for p in path)
    assert f.message == f"unknown field '{path[-1]}' (kept, but ignored by ANRF v1 tools)"
    assert text_at(text, f.range) == json.dumps(path[-1])  # the key, not the value


def test_known_fields_pass():
    assert "ANRF107" not in [f.code for f in check_dict(sum_doc())]


# -- robustness and speed --------------------------------------------------------------


def test_hostile_document_does_not_raise():
    doc = sum_doc()
    ex = doc["execution"]
    for node in ex["nodes"]:
        node["node_id"] = ""
        node["inputs"] = ["", "x", ""]
    ex["edges"] = [{"edge_id": "", "source_id": "", "target_id": "", "edge_type": "control_flow"}] * 3
    doc["semantic"]["edges"] = [{"edge_id": "e", "source_id": "", "target_id": "", "edge_type": "contains"}] * 2
    findings = check_dict(doc)
    assert "ANRF101" in [f.code for f in findings]


def test_long_chain_and_cycle_do_not_recurse():
    n = 20_000
    doc = sum_doc()
    doc["semantic"]["nodes"] = [{"node_id": f"n{i}", "node_type": "module"} for i in range(n)]
    doc["semantic"]["edges"] = [
        {"edge_id": f"e{i}", "source_id": f"n{i}", "target_id": f"n{(i + 1) % n}", "edge_type": "contains"} for i in range(n)
    ]
    doc["semantic"]["symbol_table"] = {}
    findings = check_dict(doc, indent=None)
    f = only(findings, "ANRF105")
    assert f.pointer == "/semantic/edges/0" and f"({n} nodes)" in f.message


def test_ten_thousand_nodes_are_fast():
    from benchmarks.generate import make_text
    from checkers import crosslayer, intent, structure

    ctx = CheckContext(load_document(make_text(10_000)))
    for group in (structure, crosslayer, intent):  # warm-up: the graph, indexes and the source map are shared
        list(group.check(ctx))
    start = time.perf_counter()
    for group in (structure, crosslayer, intent):
        list(group.check(ctx))
    assert time.perf_counter() - start < 0.5  # ~60 ms on one core; generous for slow CI machines


# -- ANRF108 ------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, {}, {"type": "speed"}], ids=["numbers", "empty-objects", "bad-types"])
def test_a_document_that_is_mostly_errors_lists_the_first_thousand_and_says_so(bad):
    """330,000 bad constraints (1 MiB): each had cost a finding with its range (13 s, and minutes before the pruned
    paths were a set); now the first 1,000 are listed, then ANRF108, and the rest are never computed."""
    from anrf_lsp.format.findings import MAX_FINDINGS

    doc = sum_doc()
    doc["intent"]["constraints"] = [bad] * 330_000
    started = time.perf_counter()
    findings = check_dict(doc, indent=None)
    seconds = time.perf_counter() - started
    assert len(findings) == MAX_FINDINGS + 1
    summary = only(findings, "ANRF108", "")
    assert summary.severity == "info" and summary.message.startswith(f"more than {MAX_FINDINGS} findings")
    pointers = [f.pointer for f in findings if f.code == "ANRF101"]
    assert len(pointers) == MAX_FINDINGS and pointers[0].startswith("/intent/constraints/0")
    assert seconds < 30  # ~3 s here; unbounded it was minutes


def test_up_to_a_thousand_findings_are_all_listed():
    from anrf_lsp.format.findings import MAX_FINDINGS

    doc = sum_doc()
    doc["intent"]["constraints"] = [0]
    others = len(check_dict(doc, indent=None)) - 1  # what the document has besides its bad constraints
    doc["intent"]["constraints"] = [0] * (MAX_FINDINGS - others)
    findings = check_dict(doc, indent=None)
    assert len(findings) == MAX_FINDINGS and "ANRF108" not in {f.code for f in findings}
    doc["intent"]["constraints"].append(0)
    assert [f.code for f in check_dict(doc, indent=None)].count("ANRF108") == 1


@pytest.mark.parametrize("target", ["exec_node_1", "exec_node_4"], ids=["to-the-start", "to-the-loop-header"])
def test_a_cycle_that_enters_a_loop_header_from_outside_its_loop_is_reported(target):
    """Every edge into a for_each had counted as a back edge, so return -> start (or return -> the loop) went unreported."""
    doc = sum_doc()
    doc["execution"]["edges"].append({"edge_id": "again", "source_id": "exec_node_7", "target_id": target, "edge_type": "control_flow"})
    f = only(check_dict(doc), "ANRF105")
    assert "control flow forms a cycle" in f.message and "'exec_node_7'" in f.message and f"'{target}'" in f.message
