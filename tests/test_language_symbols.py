"""Document outline and symbol search (anrf_lsp.language.symbols)."""

from __future__ import annotations

import json

from anrf_lsp.language.symbols import document_symbols, workspace_symbols
from benchmarks.generate import make_text

from .conftest import sum_doc
from .test_language_navigation import SUM_TEXT, open_doc, pair_type


def outline(text: str):
    doc, index = open_doc(text)
    return document_symbols(doc, index)


def walk(symbols, depth=0):
    for symbol in symbols:
        yield depth, symbol
        yield from walk(symbol.children, depth + 1)


def test_outline_of_the_sum_example():
    symbols = outline(SUM_TEXT)
    assert [(s.name, s.kind, s.detail) for s in symbols] == [
        ("Intent", "namespace", "function Calculate the sum of an array of numbers"),
        ("Semantic", "namespace", "3 nodes, 2 edges, 2 types"),
        ("Execution", "namespace", "7 nodes, 6 edges"),
    ]
    intent, semantic, execution = symbols
    assert [(c.name, c.kind, c.detail) for c in intent.children] == [
        ("performance", "property", "Linear time complexity O(n)"),
        ("safety", "property", "Handle empty arrays gracefully"),
    ]
    assert [(c.name, c.kind) for c in semantic.children] == [
        ("func_sum", "function"),
        ("param_numbers", "variable"),
        ("var_result", "variable"),
        ("edge_1", "event"),
        ("edge_2", "event"),
        ("type_number", "type_parameter"),
        ("type_number_array", "type_parameter"),
    ]
    assert [c.kind for c in execution.children[:7]] == ["function", "variable", "variable", "operator", "operator", "operator", "operator"]
    assert execution.children[3].detail == "for_each num" and execution.children[7].detail == "control_flow exec_node_1 → exec_node_2"


def test_spans_cover_whole_objects_and_selections_the_ids():
    for depth, symbol in walk(outline(SUM_TEXT)):
        span, selection = symbol.span, symbol.selection_span
        assert span.start <= selection.start <= selection.end <= span.end
        covered = SUM_TEXT[span.start : span.end]
        if depth == 0:
            assert covered.startswith(f'"{symbol.name.lower()}": {{') and covered.endswith("}")
            assert SUM_TEXT[selection.start : selection.end] == f'"{symbol.name.lower()}"'
        else:
            assert covered.startswith("{") and covered.endswith("}") and json.loads(covered)
            assert symbol.name in SUM_TEXT[selection.start : selection.end]


def test_struct_types_list_their_fields():
    raw = sum_doc()
    raw["semantic"]["types"].append(pair_type([{"name": "a", "type_id": "type_number"}, {"type_id": "x"}]))
    text = json.dumps(raw, indent=2)
    pair = next(s for _, s in walk(outline(text)) if s.name == "type_pair")
    assert pair.kind == "struct" and [(f.name, f.kind, f.detail) for f in pair.children] == [
        ("a", "field", "type_number"),
        ("[1]", "field", "x"),
    ]
    assert text[pair.children[0].selection_span.start : pair.children[0].selection_span.end] == '"a"'


def test_outline_of_a_half_typed_document():
    cut = SUM_TEXT.index('"exec_node_5"], "outputs": ["exec_node_7"]')
    symbols = outline(SUM_TEXT[:cut] + '"exec_node_')
    assert [s.name for s in symbols] == ["Intent", "Semantic", "Execution"]
    assert [c.name for c in symbols[2].children] == [
        "exec_node_1",
        "exec_node_2",
        "exec_node_3",
        "exec_node_4",
        "exec_node_5",
        "exec_node_6",
    ]
    assert outline("") == [] and outline('{"semantic": {"nodes": [{"node_id": "a"')[0].children[0].name == "a"


def test_outline_of_a_big_document_uses_exact_spans():
    text = make_text(500)
    doc, index = open_doc(text)
    symbols = document_symbols(doc, index)
    nodes = symbols[2].children
    assert len(nodes) == len(index.ids("exec_node")) + len(index.ids("exec_edge"))
    for defn, symbol in zip([d for d in index.definitions if d.layer == "execution"], nodes):
        assert symbol.span == doc.source.value_span(defn.path)


def test_workspace_symbols_match_ids_labels_and_function_names():
    doc, index = open_doc(SUM_TEXT)
    found = workspace_symbols(doc, "sum", index)
    assert [(s.name, s.container, s.kind) for s in found] == [
        ("func_sum", "semantic", "function"),
        ("sum", "func_sum", "function"),
        ("sum", "exec_node_1", "function"),
    ]
    assert SUM_TEXT[found[2].span.start : found[2].span.end] == '"exec_node_1"'
    assert [s.name for s in workspace_symbols(doc, "EN5", index)] == ["exec_node_5"]  # a subsequence, any case
    assert [s.name for s in workspace_symbols(doc, "numbers", index)] == ["param_numbers", "numbers"]
    assert len(workspace_symbols(doc, "", index)) == 20 + 3 + 1  # every id, every label, the function name
    assert workspace_symbols(doc, "zzz", index) == []


def test_workspace_symbols_are_bounded():
    doc, index = open_doc(make_text(6_000))
    assert len(workspace_symbols(doc, "f", index)) == 1000
