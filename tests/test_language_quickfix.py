"""Quick fixes: each one, applied to a real document, removes its finding, adds no
error, and leaves the text outside its edit untouched.

Most documents are the public example serialized in several layouts (indented with
two spaces or a tab, one line, compact one line), with "é" and an emoji in the
description before every edit, so offsets must be code points. Where a fix undoes a
mutation, the fixed text must equal the unmutated document serialized the same way:
that checks the whole text, the layout of the edit and that nothing else moved.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anrf_lsp.format.document import load_document
from anrf_lsp.language.quickfix import QuickFix, TextEdit, quick_fixes
from checkers import check_document, check_text

from .conftest import EXAMPLES, sum_doc

LAYOUTS = {
    "indent2": {"indent": 2},
    "tab": {"indent": "\t"},
    "one_line": {},
    "compact": {"separators": (",", ":")},
}
STUB_EXEC = {"node_id": "ghost", "operation": "constant"}


def base() -> dict:
    doc = sum_doc()
    doc["intent"]["description"] = "Somme é 🙂 of an array of numbers"
    return doc


def dump(doc: dict, layout: str) -> str:
    return json.dumps(doc, ensure_ascii=False, **LAYOUTS[layout])


def apply(text: str, fix: QuickFix) -> str:
    for edit in sorted(fix.edits, key=lambda e: e.span.start, reverse=True):
        assert 0 <= edit.span.start <= edit.span.end <= len(text)
        text = text[: edit.span.start] + edit.new_text + text[edit.span.end :]
    return text


def fixes_for(text: str, code: str, **data) -> tuple[list, list[QuickFix]]:
    """The findings of `text`, and the fixes of the first `code` finding whose data has `data`."""
    doc = load_document(text)
    findings = check_document(doc)
    finding = next(f for f in findings if f.code == code and data.items() <= f.data.items())
    return findings, quick_fixes(doc, finding.code, finding.pointer, finding.data)


def fixed(text: str, code: str, title: str, new_errors: Counter | None = None, **data) -> str:
    """Apply the fix titled `title` for the `code` finding with `data`; check that the
    finding is gone and that no error appeared (except `new_errors`)."""
    before, fixes = fixes_for(text, code, **data)
    [fix] = [q for q in fixes if q.title == title]
    assert fix.code == code and len(fix.edits) == 1
    new = apply(text, fix)
    after = check_text(new)
    assert not [f for f in after if f.code == code and data.items() <= f.data.items()]
    errors = Counter(f.code for f in after if f.severity == "error") - Counter(f.code for f in before if f.severity == "error")
    assert errors == (new_errors or Counter())
    return new


def titles(text: str, code: str, **data) -> list[str]:
    return [q.title for q in fixes_for(text, code, **data)[1]]


# -- ANRF104: dangling references ----------------------------------------------------


def test_removing_an_operand_is_not_offered_when_it_breaks_the_arity():
    """Removing exec_node_9 from `add` would leave it one input (ANRF205): a fix must not add errors."""
    path = EXAMPLES / "invalid" / "dangling_reference.anrf.json"
    assert titles(path.read_text(), "ANRF104") == ["Create stub execution node 'exec_node_9'"]


def test_dangling_reference_example_stub():
    text = (EXAMPLES / "invalid" / "dangling_reference.anrf.json").read_text()
    new = fixed(text, "ANRF104", "Create stub execution node 'exec_node_9'", ref="exec_node_9")
    last = '{"node_id": "exec_node_7", "operation": "return", "inputs": ["exec_node_3"], "outputs": [], "properties": {}}'
    stub = '{"node_id": "exec_node_9", "operation": "constant"}'
    assert new == text.replace(last, f"{last},\n      {stub}")  # one line, like its siblings
    assert not [f for f in check_text(new) if f.severity == "error"]  # the stub infers as "any"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("position", [0, 1, 2])
def test_remove_array_reference_keeps_layout(layout, position):
    """First, middle and last element: exactly one comma goes with it."""
    good = base()
    good["semantic"]["nodes"][0]["execution_refs"] += ["exec_node_4", "exec_node_5"]
    bad = base()
    bad["semantic"]["nodes"][0]["execution_refs"] = good["semantic"]["nodes"][0]["execution_refs"][:]
    bad["semantic"]["nodes"][0]["execution_refs"].insert(position, "ghost")
    new = fixed(dump(bad, layout), "ANRF104", "Remove reference 'ghost'", ref="ghost", field="execution_refs")
    assert new == dump(good, layout)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_remove_only_element_leaves_empty_array(layout):
    bad = base()
    bad["execution"]["nodes"][6]["outputs"] = ["ghost"]
    new = fixed(dump(bad, layout), "ANRF104", "Remove reference 'ghost'", ref="ghost", field="outputs")
    assert new == dump(base(), layout)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_create_exec_stub_like_siblings(layout):
    bad = base()
    bad["semantic"]["nodes"][0]["execution_refs"].append("ghost")
    good = json.loads(json.dumps(bad))
    good["execution"]["nodes"].append(STUB_EXEC)
    new = fixed(dump(bad, layout), "ANRF104", "Create stub execution node 'ghost'", ref="ghost")
    assert new == dump(good, layout)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_dangling_edge_is_removed_whole(layout):
    bad = base()
    bad["semantic"]["edges"].append({"edge_id": "edge_3", "source_id": "func_sum", "target_id": "ghost", "edge_type": "declares"})
    text = dump(bad, layout)
    assert titles(text, "ANRF104") == ["Remove edge 'edge_3' (its target_id 'ghost' names no node)", "Create stub semantic node 'ghost'"]
    assert fixed(text, "ANRF104", "Remove edge 'edge_3' (its target_id 'ghost' names no node)") == dump(base(), layout)
    good = json.loads(text)
    good["semantic"]["nodes"].append({"node_id": "ghost", "node_type": "expression"})
    assert fixed(text, "ANRF104", "Create stub semantic node 'ghost'") == dump(good, layout)


def test_dangling_exec_edge_source_stub_checks_cleanly():
    bad = base()
    bad["execution"]["edges"].insert(0, {"edge_id": "exec_edge_0", "source_id": "ghost", "target_id": "exec_node_1", "edge_type": "data_flow"})
    text = dump(bad, "indent2")
    assert fixed(text, "ANRF104", "Remove edge 'exec_edge_0' (its source_id 'ghost' names no node)") == dump(base(), "indent2")
    fixed(text, "ANRF104", "Create stub execution node 'ghost'")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_dangling_symbol(layout):
    bad = base()
    bad["semantic"]["symbol_table"]["total"] = "ghost"
    text = dump(bad, layout)
    assert fixed(text, "ANRF104", "Remove symbol 'total' (it maps to missing node 'ghost')") == dump(base(), layout)
    # The stub declares the symbol, so the table agrees with it (no ANRF302 either).
    new = fixed(text, "ANRF104", "Create stub semantic node 'ghost'")
    good = json.loads(text)
    good["semantic"]["nodes"].append({"node_id": "ghost", "node_type": "variable", "label": "total"})
    assert new == dump(good, layout)
    assert not [f for f in check_text(new) if f.code == "ANRF302"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_stub_into_empty_array(layout):
    bad = base()
    bad["execution"]["nodes"], bad["execution"]["edges"] = [], []
    for node in bad["semantic"]["nodes"]:
        node["execution_refs"] = []
    bad["semantic"]["nodes"][0]["execution_refs"] = ["ghost"]
    good = json.loads(json.dumps(bad))
    good["execution"]["nodes"] = [STUB_EXEC]
    assert fixed(dump(bad, layout), "ANRF104", "Create stub execution node 'ghost'", ref="ghost") == dump(good, layout)


# -- ANRF201: unknown type ---------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_type_stub_appended_like_siblings(layout):
    bad = base()
    bad["semantic"]["nodes"][2]["properties"]["type"] = "type_counter"
    good = json.loads(json.dumps(bad))
    good["semantic"]["types"].append({"type_id": "type_counter", "name": "type_counter", "type_kind": "primitive"})
    new = fixed(dump(bad, layout), "ANRF201", "Add TypeDef stub 'type_counter'", type_id="type_counter")
    assert new == dump(good, layout)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_type_stub_creates_types_array(layout):
    bad = base()
    del bad["semantic"]["types"]  # now the last member of semantic is symbol_table
    good = json.loads(json.dumps(bad))
    good["semantic"]["types"] = [{"type_id": "type_number", "name": "type_number", "type_kind": "primitive"}]
    new = fixed(dump(bad, layout), "ANRF201", "Add TypeDef stub 'type_number'", type_id="type_number")
    assert new == dump(good, layout)


def test_unknown_type_suggestion_is_preferred():
    bad = base()
    bad["semantic"]["nodes"][1]["properties"]["type"] = "type_nmber_array"
    text = dump(bad, "indent2")
    _, fixes = fixes_for(text, "ANRF201")
    assert [(q.title, q.preferred) for q in fixes] == [
        ("Change to 'type_number_array'", True),
        ("Add TypeDef stub 'type_nmber_array'", False),
    ]
    assert fixed(text, "ANRF201", "Change to 'type_number_array'") == dump(base(), "indent2")


# -- ANRF302: symbol table ------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rebuild_symbol_table(layout):
    bad = base()
    bad["semantic"]["symbol_table"] = {"sum": "func_sum", "total": "var_result"}
    text = dump(bad, layout)
    doc = load_document(text)
    findings = [f for f in check_document(doc) if f.code == "ANRF302"]
    assert len(findings) == 3  # 'total' mislabelled; 'numbers' and 'result' missing
    fixes = [quick_fixes(doc, f.code, f.pointer, f.data) for f in findings]
    assert all(fs == fixes[0] for fs in fixes)  # one fix, the same edit, for every finding
    [fix] = fixes[0]
    assert fix.title == "Rebuild symbol table" and fix.preferred
    new = apply(text, fix)
    assert not [f for f in check_text(new) if f.code == "ANRF302" or f.severity == "error"]
    # The agreeing entry is kept first; the rest follow in node order: only the table's value changed.
    good = json.loads(text)
    good["semantic"]["symbol_table"] = {"sum": "func_sum", "numbers": "param_numbers", "result": "var_result"}
    assert new == dump(good, layout)


def test_rebuild_creates_symbol_table_and_skips_non_declaring_nodes():
    bad = base()
    del bad["semantic"]["symbol_table"]
    bad["semantic"]["nodes"].append({"node_id": "expr_1", "node_type": "expression", "label": "num"})
    bad["semantic"]["nodes"].append({"node_id": "var_again", "node_type": "variable", "label": "result"})
    new = fixed(dump(bad, "indent2"), "ANRF302", "Rebuild symbol table", symbol="sum")
    good = json.loads(dump(bad, "indent2"))
    good["semantic"]["symbol_table"] = base()["semantic"]["symbol_table"]  # first node per label, no expressions
    assert new == dump(good, "indent2")


def test_rebuild_example_file_stays_on_one_line():
    text = (EXAMPLES / "valid" / "sum.anrf.json").read_text().replace('"result": "var_result"', '"total": "var_result"')
    new = fixed(text, "ANRF302", "Rebuild symbol table", symbol="total")
    assert new == (EXAMPLES / "valid" / "sum.anrf.json").read_text()


# -- ANRF103: duplicate ids ---------------------------------------------------------------


def test_duplicate_ids_example():
    text = (EXAMPLES / "invalid" / "duplicate_ids.anrf.json").read_text()
    _, fixes = fixes_for(text, "ANRF103")
    assert [(q.title, q.preferred) for q in fixes] == [("Rename to 'param_numbers_2'", True)]
    new = fixed(text, "ANRF103", "Rename to 'param_numbers_2'", id="param_numbers")
    first = text.index('"node_id": "param_numbers"')
    second = text.index('"node_id": "param_numbers"', first + 1)
    # Only the later id changes; the edges and the symbol table still name the first node.
    assert new == text[:second] + '"node_id": "param_numbers_2"' + text[second + len('"node_id": "param_numbers"') :]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_duplicate_numbered_id_counts_on(layout):
    bad = base()
    bad["execution"]["nodes"][6]["node_id"] = "exec_node_2"  # the return now shares the parameter's id
    text = dump(bad, layout)
    _, fixes = fixes_for(text, "ANRF103", id="exec_node_2")
    assert [q.title for q in fixes] == ["Rename to 'exec_node_7'"]  # exec_node_3..6 are taken
    assert apply(text, fixes[0]) == dump(base(), layout)


# -- stale findings and robustness ------------------------------------------------------


def test_stale_findings_get_no_fix():
    text = dump(base(), "indent2")
    doc = load_document(text)
    ref = {"ref": "ghost", "kind": "exec_node", "field": "inputs"}
    assert quick_fixes(doc, "ANRF104", "/execution/nodes/4/inputs/1", ref) == []  # the input is exec_node_4 now
    assert quick_fixes(doc, "ANRF103", "/semantic/nodes/1/node_id", {"id": "param_numbers", "scope": "semantic_node"}) == []
    assert quick_fixes(doc, "ANRF201", "/semantic/nodes/1/properties/type", {"type_id": "type_number_array"}) == []
    assert quick_fixes(doc, "ANRF302", "/semantic/symbol_table/sum", {"symbol": "sum"}) == []  # table already right
    assert quick_fixes(doc, "ANRF999", "/semantic", {}) == []
    broken = load_document(text[:-10])
    assert quick_fixes(broken, "ANRF103", "/semantic/nodes/1/node_id", {"id": "param_numbers", "scope": "semantic_node"}) == []


def test_no_stub_when_the_node_exists_again():
    bad = base()
    bad["semantic"]["nodes"][0]["execution_refs"].append("ghost")
    text = dump(bad, "indent2")
    findings, _ = fixes_for(text, "ANRF104", ref="ghost")
    [finding] = [f for f in findings if f.code == "ANRF104"]
    bad["execution"]["nodes"].append(STUB_EXEC)  # the user created it meanwhile
    fixes = quick_fixes(load_document(dump(bad, "indent2")), "ANRF104", finding.pointer, finding.data)
    assert fixes == []  # the reference is no longer dangling: removing it would be a wrong edit


def kitchen_sink() -> dict:
    """A finding of every fixable kind (the new edges reuse ids: ANRF103)."""
    doc = base()
    sem, ex = doc["semantic"], doc["execution"]
    sem["edges"].append({"edge_id": "edge_1", "source_id": "ghost", "target_id": "func_sum", "edge_type": "calls"})
    sem["symbol_table"] = {"total": "var_result", "lost": "ghost"}
    sem["nodes"][1]["properties"]["type"] = "type_nmber_array"
    sem["nodes"][2]["properties"]["type"] = "type_counter"
    sem["nodes"][0]["execution_refs"].append("ghost")
    ex["nodes"][4]["inputs"].append("exec_ghost")
    ex["edges"].append({"edge_id": "exec_edge_1", "source_id": "exec_node_7", "target_id": "exec_ghost", "edge_type": "data_flow"})
    return doc


DOCS = [
    (EXAMPLES / "invalid" / "dangling_reference.anrf.json").read_text(),
    (EXAMPLES / "invalid" / "duplicate_ids.anrf.json").read_text(),
    *(dump(kitchen_sink(), layout) for layout in LAYOUTS),
    '{"semantic": {"nodes": [{"node_id": "a", "node_type": "variable", "label": "x"}], "symbol_table": {"y": "a", "y": "b"}}}',
    '{"semantic": {"nodes": [], "types": 3, "symbol_table": []}, "execution": {"nodes": {}}}',
    (  # wrong-typed ids and node types (unhashable values)
        '{"semantic": {"nodes": [{"node_id": [], "node_type": [], "label": "x"}, {"node_id": "a", "node_type": "variable", "label": {}}],'
        ' "types": [{"type_id": []}], "edges": [{"edge_id": {}}, {"edge_id": {}}], "symbol_table": {"x": "b"}}}'
    ),
    "[1, 2]",
]
FINDINGS = [f for text in DOCS for f in check_text(text)]
PARTS = ["semantic", "execution", "nodes", "edges", "types", "symbol_table", "inputs", "outputs", "execution_refs",
         "source_id", "target_id", "node_id", "type_id", "properties", "type", "label", "sum", "0", "1", "4", "9", "01", "²", "", "~1"]
VALUES = st.sampled_from(["ghost", "exec_node_2", "exec_node_9", "param_numbers", "type_number", "sum", "", "symbol_table",
                          "inputs", "source_id", "exec_node", "semantic_node"]) | st.integers() | st.none()
CODES = st.sampled_from(["ANRF102", "ANRF103", "ANRF104", "ANRF201", "ANRF202", "ANRF203", "ANRF205", "ANRF301", "ANRF302"])
POINTERS = (
    st.sampled_from([f.pointer for f in FINDINGS])
    | st.lists(st.sampled_from(PARTS), max_size=6).map(lambda parts: "".join("/" + p for p in parts))
    | st.text(max_size=6)
)
DATA = (
    st.sampled_from([f.data for f in FINDINGS])
    | st.dictionaries(st.sampled_from(["ref", "kind", "field", "id", "scope", "type_id", "suggestion", "symbol", "version", "operation", "node_id"]), VALUES)
    | st.none()
    | st.lists(st.integers(), max_size=2)
)
# Real findings (maybe replayed on another document: stale diagnostics), or a random mix.
CALLS = st.sampled_from([(f.code, f.pointer, f.data) for f in FINDINGS]) | st.tuples(CODES, POINTERS, DATA)

def test_kitchen_sink_offers_every_kind_of_fix():
    doc = load_document(DOCS[2])
    found = {q.title.split(" '")[0] for f in check_document(doc) for q in quick_fixes(doc, f.code, f.pointer, f.data)}
    assert found == {"Remove edge", "Remove symbol", "Remove reference", "Create stub semantic node", "Create stub execution node",
                     "Change to", "Add TypeDef stub", "Rebuild symbol table", "Rename to", "Add"}  # Add: to execution_refs (ANRF301)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.sampled_from(DOCS), call=CALLS)
def test_never_raises_and_edits_keep_valid_json(text, call):
    for fix in quick_fixes(load_document(text), *call):
        assert all(isinstance(e, TextEdit) for e in fix.edits)
        json.loads(apply(text, fix))


def _documents() -> list[tuple[str, str]]:
    found = [(p.name, p.read_text()) for p in sorted(EXAMPLES.glob("*/*.anrf.json"))]
    return [*found, *((f"kitchen_sink-{layout}", dump(kitchen_sink(), layout)) for layout in LAYOUTS)]


@pytest.mark.parametrize(("name", "text"), _documents(), ids=[name for name, _ in _documents()])
def test_no_offered_fix_adds_an_error(name, text):
    """Every fix offered for every finding of every example and fault document: its code has fewer findings after,
    and no code has more errors."""
    doc = load_document(text)
    findings = check_document(doc)
    errors_before = Counter(f.code for f in findings if f.severity == "error")
    offered = 0
    for finding in findings:
        for fix in quick_fixes(doc, finding.code, finding.pointer, finding.data):
            after = check_text(apply(text, fix))
            offered += 1
            assert sum(f.code == finding.code for f in after) < sum(f.code == finding.code for f in findings), fix.title
            errors_after = Counter(f.code for f in after if f.severity == "error")
            assert not errors_after - errors_before, f"{fix.title}: new errors {errors_after - errors_before}"
    if name.startswith("kitchen_sink"):
        assert offered >= 5


def test_unsupported_version_is_set_to_v1():
    text = (EXAMPLES / "invalid" / "unsupported_version.anrf.json").read_text()
    new = fixed(text, "ANRF102", "Set version to 'v1'")
    assert "ANRF102" not in {f.code for f in check_text(new)} and json.loads(new)["version"] == "v1"


@pytest.mark.parametrize(("typed", "meant"), [("ad", "add"), ("Add", "add"), ("retrun", "return")])
def test_unknown_operation_offers_the_nearest_known_ones(typed, meant):
    bad = base()
    node = next(n for n in bad["execution"]["nodes"] if n["operation"] == meant)
    node["operation"] = typed
    text = dump(bad, "indent2")
    titles_offered = titles(text, "ANRF205")
    assert titles_offered[0] == f"Change to '{meant}'"
    assert fixed(text, "ANRF205", f"Change to '{meant}'") == dump(base(), "indent2")


def test_uncovered_node_joins_the_execution_refs_of_its_function():
    text = dump(base(), "indent2")
    before = [f for f in check_text(text) if f.code == "ANRF301"]
    new = fixed(text, "ANRF301", "Add 'exec_node_4' to the execution_refs of 'sum'", node_id="exec_node_4")
    after = [f for f in check_text(new) if f.code == "ANRF301"]
    assert len(after) == len(before) - 1 and "exec_node_4" in json.loads(new)["semantic"]["nodes"][0]["execution_refs"]


def _conversion_fix(text: str, code: str) -> tuple[QuickFix, list, list]:
    """The one conversion offered for the `code` finding of `text`, with the findings before and after applying it."""
    doc = load_document(text)
    before = check_document(doc)
    [finding] = [f for f in before if f.code == code]
    [fix] = [q for q in quick_fixes(doc, code, finding.pointer, finding.data) if q.title.startswith("Convert ")]
    return fix, before, check_text(apply(text, fix))


def test_a_string_operand_of_arithmetic_is_converted_with_to_float():
    text = (EXAMPLES / "invalid" / "type_mismatch.anrf.json").read_text()
    fix, before, after = _conversion_fix(text, "ANRF202")
    assert fix.title == "Convert 'exec_node_8' with to_float" and len(fix.edits) == 3 and not fix.preferred
    assert "ANRF202" not in {f.code for f in after}
    assert Counter(f.code for f in after) - Counter(f.code for f in before) == Counter()  # no new finding: the node is covered too
    tree = json.loads(apply(text, fix))
    [converted] = [n for n in tree["execution"]["nodes"] if n["operation"] == "to_float"]
    assert converted["inputs"] == ["exec_node_8"] and tree["execution"]["nodes"][4]["inputs"][1] == converted["node_id"]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_number_returned_where_a_string_is_declared_is_converted_with_to_string(layout):
    doc = base()
    doc["semantic"]["types"].append({"type_id": "type_string", "name": "String", "type_kind": "primitive"})
    doc["semantic"]["nodes"][0]["properties"]["return_type"] = "type_string"
    text = dump(doc, layout)
    fix, before, after = _conversion_fix(text, "ANRF203")
    assert fix.title.endswith("with to_string")
    assert "ANRF203" not in {f.code for f in after} and not [f for f in after if f.severity == "error"]
    assert Counter(f.code for f in after) - Counter(f.code for f in before) == Counter()


def test_no_conversion_is_offered_where_one_cannot_fix_it():
    doc = base()
    doc["semantic"]["types"].append({"type_id": "type_flag", "name": "Boolean", "type_kind": "primitive"})
    doc["semantic"]["nodes"][0]["properties"]["return_type"] = "type_flag"  # number -> boolean: no one conversion
    text = dump(doc, "indent2")
    loaded = load_document(text)
    [finding] = [f for f in check_document(loaded) if f.code == "ANRF203"]
    assert quick_fixes(loaded, "ANRF203", finding.pointer, finding.data) == []
