"""Cross-layer checks (ANRF301-303) on mutations of the public example."""

from __future__ import annotations

import json

import pytest

from checkers.crosslayer import intent_ref_problem

from .conftest import check_dict, found, run, sum_doc, text_at


def fully_linked() -> dict:
    doc = sum_doc()
    doc["semantic"]["nodes"][0]["execution_refs"] += ["exec_node_4", "exec_node_5", "exec_node_6", "exec_node_7"]
    return doc


# -- ANRF301 ------------------------------------------------------------------------


def test_uncovered_execution_nodes():
    text, findings = run(sum_doc())
    hits = found(findings, "ANRF301")
    assert [f.pointer for f in hits] == [f"/execution/nodes/{i}" for i in (3, 4, 5, 6)]
    f = hits[0]
    assert f.severity == "warning" and "'exec_node_4'" in f.message and "execution_refs" in f.message
    assert f.data == {"node_id": "exec_node_4"}
    assert text_at(text, f.range) == '"exec_node_4"'


def test_unlinked_layers_are_one_finding():
    doc = sum_doc()
    for node in doc["semantic"]["nodes"]:
        node["execution_refs"] = []
    text, findings = run(doc)
    [f] = found(findings, "ANRF301")
    assert f.pointer == "/execution/nodes" and "none of the 7 execution node(s)" in f.message
    assert text_at(text, f.range) == '"nodes"'


def test_covered_nodes_pass():
    assert found(check_dict(fully_linked()), "ANRF301") == []
    doc = sum_doc()
    doc["execution"]["format"] = "ir"  # coverage is only checked for the graph format
    assert found(check_dict(doc), "ANRF301") == []


# -- ANRF302 ------------------------------------------------------------------------


def test_symbol_disagrees_with_label():
    doc = fully_linked()
    table = doc["semantic"]["symbol_table"]
    table["total"] = table.pop("result")
    text, findings = run(doc)
    hits = {f.pointer: f for f in found(findings, "ANRF302")}
    entry = hits["/semantic/symbol_table/total"]
    assert entry.severity == "warning"
    assert "'total'" in entry.message and "'var_result'" in entry.message and "'result'" in entry.message
    assert entry.data == {"symbol": "total", "node_id": "var_result", "label": "result"}
    assert text_at(text, entry.range) == '"total"'  # the key
    missing = hits["/semantic/nodes/2/label"]  # and "result" is no longer in the table
    assert missing.data == {"symbol": "result", "node_id": "var_result", "label": "result", "missing": True}
    assert 'add "result": "var_result"' in missing.message
    assert text_at(text, missing.range) == '"result"'


def test_missing_symbol_reported_once_per_name():
    doc = fully_linked()
    doc["semantic"]["nodes"] += [
        {"node_id": "p1", "node_type": "parameter", "label": "x"},
        {"node_id": "p2", "node_type": "parameter", "label": "x"},
        {"node_id": "expr", "node_type": "expression", "label": "x + 1"},  # not a declaration
    ]
    _, findings = run(doc)
    assert [f.pointer for f in found(findings, "ANRF302")] == ["/semantic/nodes/3/label"]


def test_consistent_symbol_table_passes():
    assert found(check_dict(sum_doc()), "ANRF302") == []


# -- ANRF303 ------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["intent", "/intent", "/intent/constraints/0", "/intent/description", "/intent/tags/2", "math"])
def test_valid_intent_refs(ref):
    doc = sum_doc()
    doc["semantic"]["nodes"][0]["intent_refs"] = [ref]
    assert found(check_dict(doc), "ANRF303") == []


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("/intent/constraints/5", "has 2 entries"),
        ("/intent/constraints/01", "must be an index"),
        ("/intent/nope", "no member 'nope'"),
        ("/intent/description/x", "not an object or array"),
        ("/semantic/nodes/0", "neither a JSON pointer into the intent layer nor an intent tag"),
        ("geometry", "one of the intent tags (array, math, utility)"),
        ("", "is empty"),
    ],
)
def test_invalid_intent_refs(ref, why):
    doc = sum_doc()
    doc["semantic"]["nodes"][1]["intent_refs"] = ["intent", ref]
    text, findings = run(doc)
    [f] = found(findings, "ANRF303")
    assert (f.severity, f.pointer) == ("error", "/semantic/nodes/1/intent_refs/1")
    assert why in f.message and "'param_numbers'" in f.message
    assert f.data == {"ref": ref, "node_id": "param_numbers"}
    assert text_at(text, f.range) == json.dumps(ref)


def test_intent_ref_pointer_escapes():
    tree = {"properties": {"a/b": "x", "c~d": "y"}}
    assert intent_ref_problem("/intent/properties/a~1b", set(), tree) is None
    assert intent_ref_problem("/intent/properties/c~0d", set(), tree) is None
    assert intent_ref_problem("/intent/properties/a/b", set(), tree) is not None
