"""The id index, go to definition and find references (anrf_lsp.language), on real documents."""

from __future__ import annotations

import json
import time

import pytest

from anrf_lsp.format.document import load_document
from anrf_lsp.language.index import Definition, IdIndex, Reference, build_index
from anrf_lsp.language.navigation import definition, references, target_at
from benchmarks.generate import make_text

from .conftest import EXAMPLES, sum_doc

SUM_TEXT = (EXAMPLES / "valid" / "sum.anrf.json").read_text()
VALID = sorted((EXAMPLES / "valid").glob("*.anrf.json"))


def open_doc(text: str, exact: bool = False):
    doc = load_document(text)
    return doc, build_index(doc, exact=exact)


def offset_of(text: str, needle: str, inside: int = 1, after: str = "") -> int:
    """Offset `inside` characters into the first `needle` (after the first `after`)."""
    return text.index(needle, text.index(after) if after else 0) + inside


def pair_type(fields: list, **extra) -> dict:
    """A struct type `type_pair` with these fields (and other members)."""
    return {"type_id": "type_pair", "name": "Pair", "type_kind": "struct", **extra, "fields": fields}


def spans_text(text: str, spans) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def site_rows(index: IdIndex) -> tuple[list, list]:
    """Everything the index says, in comparable form: definitions and references with spans."""
    defs = [(d.id, d.scope, d.path, d.span) for d in index.definitions]
    refs = [(r.id, r.scope, r.path, r.owner, r.field, r.span) for d in [None] for r in _all_references(index)]
    return defs, refs


def _all_references(index: IdIndex) -> list[Reference]:
    refs = []
    for scope in ("semantic_node", "type", "exec_node"):
        for id_ in sorted({*index.ids(scope), *index._collected().named[scope]}):
            refs += index.references_to(scope, id_)
    return sorted(refs, key=lambda r: r.span.start)


# -- the index ---------------------------------------------------------------------


def test_index_records_every_definition_with_the_span_of_its_id_string():
    index = open_doc(SUM_TEXT)[1]
    scopes = [d.scope for d in index.definitions]
    assert scopes.count("semantic_node") == 3 and scopes.count("semantic_edge") == 2 and scopes.count("type") == 2
    assert scopes.count("exec_node") == 7 and scopes.count("exec_edge") == 6
    for d in index.definitions:
        assert SUM_TEXT[d.span.start : d.span.end] == json.dumps(d.id)
    node = index.ids("exec_node")["exec_node_4"]
    assert node.path == ("execution", "nodes", 3) and node.obj["operation"] == "for_each" and node.layer == "execution"


def test_index_records_every_kind_of_reference_with_its_target_scope():
    index = open_doc(SUM_TEXT)[1]
    fields = {(r.field, r.scope) for r in _all_references(index)}
    assert fields == {
        ("inputs", "exec_node"),
        ("outputs", "exec_node"),
        ("execution_refs", "exec_node"),
        ("source_id", "semantic_node"),
        ("target_id", "semantic_node"),
        ("source_id", "exec_node"),
        ("target_id", "exec_node"),
        ("symbol_table", "semantic_node"),
        ("properties.type", "type"),
        ("properties.return_type", "type"),
        ("properties.element_type", "type"),
    }
    for ref in _all_references(index):
        assert SUM_TEXT[ref.span.start : ref.span.end] == json.dumps(ref.id)


def test_type_fields_parent_types_and_constant_types_are_type_references():
    raw = sum_doc()
    raw["semantic"]["types"].append(pair_type([{"name": "a", "type_id": "type_number"}], parent_type="type_number"))
    raw["execution"]["nodes"] += [
        {"node_id": "c1", "operation": "constant", "properties": {"value": "1", "type": "type_number"}},
        {"node_id": "c2", "operation": "constant", "properties": {"value": "1", "type": "number"}},  # a kind, not a type id
        {"node_id": "c3", "operation": "add", "properties": {"type": "type_number"}},  # only constants name a type there
    ]
    text = json.dumps(raw, indent=2)
    index = open_doc(text)[1]
    uses = [(r.field, index.definition_at(r.owner).id) for r in index.references_to("type", "type_number")]
    assert uses == [
        ("properties.return_type", "func_sum"),
        ("properties.type", "var_result"),
        ("properties.element_type", "type_number_array"),
        ("parent_type", "type_pair"),
        ("fields.type_id", "type_pair"),
        ("properties.type", "c1"),
    ]
    assert index.references_to("type", "number") == []


def test_references_from_an_owner_and_counts():
    index = open_doc(SUM_TEXT)[1]
    out = index.references_from(("execution", "nodes", 3))
    assert [(r.field, r.id) for r in out] == [
        ("inputs", "exec_node_2"),
        ("inputs", "exec_node_3"),
        ("outputs", "exec_node_5"),
        ("outputs", "exec_node_6"),
    ]
    assert index.count_references("exec_node", "exec_node_4") == 5
    assert index.count_references("exec_node", "nowhere") == 0


def test_duplicate_ids_keep_every_definition():
    raw = sum_doc()
    raw["execution"]["nodes"].append(dict(raw["execution"]["nodes"][4], operation="sub"))
    text = json.dumps(raw)
    index = open_doc(text)[1]
    defs = index.definitions_of("exec_node", "exec_node_5")
    assert [d.obj["operation"] for d in defs] == ["add", "sub"]
    assert index.ids("exec_node")["exec_node_5"] is defs[0]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_text_search_agrees_with_the_exact_source_map(path):
    """The fast span search (valid documents) gives exactly the SourceMap's answers."""
    text = path.read_text()
    assert site_rows(open_doc(text)[1]) == site_rows(open_doc(text, exact=True)[1])


def _odd_layouts() -> dict[str, str]:
    raw = sum_doc()
    nodes = raw["execution"]["nodes"]
    nodes[1] = {
        "operation": "parameter",
        "properties": {"node_id": "exec_node_2", "name": "numbers"},
        "node_id": "exec_node_2",
        "outputs": ["exec_node_4"],
    }
    nodes[2]["properties"]["inputs"] = "exec_node_1"  # a same-named key holding something else
    escaped = (
        json.dumps(raw, indent=1)
        .replace('"exec_node_6"', '"exec\\u005fnode_6"')
        .replace('"node_id": "func_sum"', '"node\\u005fid": "func_sum"')
    )
    duplicated = json.dumps(raw).replace('{"node_id": "exec_node_7"', '{"node_id": "exec_node_x", "node_id": "exec_node_7"')
    return {
        "id key not first": json.dumps(raw),
        "escapes": escaped,
        "duplicate key": duplicated,
        "minified": json.dumps(sum_doc(), separators=(",", ":")),
    }


@pytest.mark.parametrize("name", list(_odd_layouts()))
def test_odd_layouts_still_get_exact_spans(name):
    text = _odd_layouts()[name]
    fast, exact = open_doc(text)[1], open_doc(text, exact=True)[1]
    assert site_rows(fast) == site_rows(exact)
    for offset in range(0, len(text), 7):
        assert fast.path_at(offset) == exact.path_at(offset), offset


def test_big_generated_document_agrees_with_the_exact_source_map():
    text = make_text(400)
    doc, fast = open_doc(text)
    exact = open_doc(text, exact=True)[1]
    assert fast.locator.fast and fast.locator.misses == 0
    assert site_rows(fast) == site_rows(exact)
    for d in fast.definitions:
        assert fast.locator.object_span(d.path) == doc.source.value_span(d.path)
    for offset in range(0, len(text), 97):
        assert fast.path_at(offset) == doc.source.path_at(offset), offset


def test_broken_document_indexes_what_was_recovered():
    cut = offset_of(SUM_TEXT, '"exec_node_5"', 0, after='"node_id": "exec_node_6"')
    text = SUM_TEXT[:cut] + '"exec'
    doc, index = open_doc(text)
    assert not doc.syntax_ok
    assert list(index.ids("exec_node")) == [f"exec_node_{i}" for i in range(1, 7)]
    assert [SUM_TEXT[d.span.start : d.span.end] for d in index.definitions] == [json.dumps(d.id) for d in index.definitions]
    assert index.references_to("exec_node", "exec")[0].span.start == cut


@pytest.mark.parametrize("text", ["", "[1, 2]", "null", '{"semantic": 3, "execution": {"nodes": [1, "x", {"node_id": 5}]}}', "{"])
def test_documents_without_ids_give_an_empty_index(text):
    index = open_doc(text)[1]
    assert index.definitions == [] and index.at(0) is None and index.references_to("exec_node", "x") == []


def test_index_of_a_ten_thousand_node_document_is_fast():
    doc = load_document(make_text(10_000))
    assert isinstance(doc.tree, dict)  # parsed by the loader's user, not timed here
    start = time.perf_counter()
    index = build_index(doc)
    elapsed = time.perf_counter() - start
    assert len(index.ids("exec_node")) > 9_000 and index.locator.misses == 0
    assert elapsed < 1.0  # ~60 ms on one core; generous for slow CI machines


# -- navigation ----------------------------------------------------------------------


def test_definition_from_an_inputs_entry_lands_on_the_node_id_string():
    doc, index = open_doc(SUM_TEXT)
    offset = offset_of(SUM_TEXT, '"exec_node_5"', 4, after='"inputs": ["exec_node_5"')
    (span,) = definition(doc, index, offset)
    assert SUM_TEXT[span.start : span.end] == '"exec_node_5"'
    assert SUM_TEXT[span.start - len('"node_id": ') : span.start] == '"node_id": '


@pytest.mark.parametrize(
    "needle, after, expected",
    [
        ('"func_sum"', '"symbol_table"', '"node_id": "func_sum"'),  # symbol table -> semantic node
        ('"exec_node_2"', '"execution_refs": ["exec_node_2"]', '"node_id": "exec_node_2"'),  # semantic -> execution layer
        ('"type_number"', '"element_type"', '"type_id": "type_number"'),  # type reference
        ('"param_numbers"', '"source_id": "func_sum", "target_id"', '"node_id": "param_numbers"'),  # semantic edge end
        ('"exec_node_6"', '"edge_id": "exec_edge_5"', '"node_id": "exec_node_6"'),  # execution edge end
        ('"exec_node_3"', '"node_id": "exec_node_3"', '"node_id": "exec_node_3"'),  # a definition goes to itself
    ],
)
def test_definition_across_layers(needle, after, expected):
    doc, index = open_doc(SUM_TEXT)
    (span,) = definition(doc, index, offset_of(SUM_TEXT, needle, 2, after=after))
    assert span.start == SUM_TEXT.index(expected) + expected.index('": "') + 3


def test_references_of_an_execution_node_span_all_layers():
    doc, index = open_doc(SUM_TEXT)
    offset = offset_of(SUM_TEXT, '"exec_node_1"', 3, after='"nodes": [\n      {"node_id"')
    found = references(doc, index, offset, include_declaration=False)
    paths = [index.at(s.start).path for s in found]
    assert paths == [("semantic", "nodes", 0, "execution_refs", 0), ("execution", "edges", 0, "source_id")]
    with_decl = references(doc, index, offset, include_declaration=True)
    assert len(with_decl) == 3 and spans_text(SUM_TEXT, with_decl) == ['"exec_node_1"'] * 3


def test_references_count_is_exact_from_either_end():
    doc, index = open_doc(SUM_TEXT)
    from_use = references(doc, index, offset_of(SUM_TEXT, '"exec_node_4"', 1, after='"outputs": ["exec_node_4"]'), True)
    from_def = references(doc, index, offset_of(SUM_TEXT, '"exec_node_4"', 1, after='"node_id": "exec_node_3"'), True)
    assert from_use == from_def and len(from_use) == 6  # 2 outputs, 1 input, 2 edge ends, the node_id
    type_refs = references(doc, index, offset_of(SUM_TEXT, '"type_number"', 2, after='"types"'), False)
    assert spans_text(SUM_TEXT, type_refs) == ['"type_number"'] * 3


def test_target_at_edges_of_strings_keys_and_whitespace():
    doc, index = open_doc(SUM_TEXT)
    start = SUM_TEXT.index('"exec_node_5", "operation"')
    assert isinstance(target_at(doc, index, start), Definition)
    assert target_at(doc, index, start + len('"exec_node_5"')).id == "exec_node_5"  # just past the closing quote
    assert target_at(doc, index, start - 3) is None  # on the key "node_id"
    ref_start = SUM_TEXT.index('"exec_node_3"', SUM_TEXT.index('"inputs": ["exec_node_3"'))
    ref = target_at(doc, index, ref_start + len('"exec_node_3"'))
    assert isinstance(ref, Reference) and ref.span.start == ref_start and ref.owner == ("execution", "nodes", 4)
    assert target_at(doc, index, SUM_TEXT.index('"Calculate') + 3) is None


def test_dangling_reference_has_no_definition_but_has_references():
    raw = sum_doc()
    raw["execution"]["nodes"][6]["inputs"] = ["exec_node_9"]
    raw["execution"]["edges"][5]["target_id"] = "exec_node_9"
    text = json.dumps(raw, indent=2)
    doc, index = open_doc(text)
    offset = offset_of(text, '"exec_node_9"')
    assert definition(doc, index, offset) == []
    assert len(references(doc, index, offset, True)) == 2


def test_navigation_in_a_big_document():
    text = make_text(3_000)
    doc, index = open_doc(text)
    offset = offset_of(text, '"f100_e4"', 2, after='"node_id": "f100_e6"')  # mod's first input
    (span,) = definition(doc, index, offset)
    assert text[span.start - 11 : span.end] == '"node_id": "f100_e4"'
    found = references(doc, index, offset, include_declaration=False)
    owners = {index.definition_at(index.at(s.start).owner).id for s in found}
    assert len(found) == 6  # execution_refs, the parameter's outputs, two inputs, two edge ends
    assert owners == {"f100_loop", "f100_e2", "f100_e6", "f100_e10", "f100_x2", "f100_x3"}
