"""Format library: lossless round-trip, source positions, tolerant parsing, hostile input."""

from __future__ import annotations

import json

import pytest

from anrf_lsp.format.document import load_document
from anrf_lsp.format.jsonsource import parse_json, path_from_pointer, pointer_from_path
from anrf_lsp.format.model import Anrf, json_schema
from checkers import check_text

from .conftest import EXAMPLES, ROOT, sum_doc


def _slice(text: str, rng) -> str:
    lines = text.split("\n")
    assert rng.start.line == rng.end.line, "expected a one-line range"
    return lines[rng.start.line][rng.start.character : rng.end.character]


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").glob("*.anrf.json")), ids=lambda p: p.name)
def test_examples_round_trip_losslessly(path):
    text = path.read_text()
    doc = load_document(text)
    assert doc.model is not None
    assert doc.model.to_json_dict() == json.loads(text)


def test_unknown_fields_are_kept_everywhere():
    raw = sum_doc()
    raw["x_top"] = {"nested": [1, 2]}
    raw["intent"]["x_intent"] = True
    raw["semantic"]["nodes"][0]["x_node"] = "kept"
    raw["execution"]["edges"][0]["x_edge"] = 3.5
    raw["semantic"]["types"][1]["fields"] = [{"name": "f", "type_id": "type_number", "x_field": None}]
    model = load_document(json.dumps(raw)).model
    assert model.to_json_dict() == raw
    # and the model itself serializes back to the same JSON text semantics
    assert json.loads(model.model_dump_json(exclude_unset=True)) == raw


def test_omitted_defaults_stay_omitted():
    raw = {"anrf_id": "a", "version": "v1", "intent": {"intent_type": "function", "description": "d"}, "semantic": {}, "execution": {}}
    assert load_document(json.dumps(raw)).model.to_json_dict() == raw


def test_non_string_property_values_load_and_round_trip():
    raw = sum_doc()
    raw["metadata"]["confidence_score"] = 0.95
    raw["execution"]["properties"]["resource_limits"] = {"cpu": "1"}
    doc = load_document(json.dumps(raw))
    assert doc.model.to_json_dict() == raw


def test_pointer_round_trip():
    path = ("semantic", "symbol_table", "a/b~c", 3)
    assert pointer_from_path(path) == "/semantic/symbol_table/a~1b~0c/3"
    assert path_from_pointer(pointer_from_path(path)) == path


def test_positions_of_values_keys_and_array_elements():
    text = json.dumps(sum_doc(), indent=2)
    parsed = parse_json(text)
    src = parsed.source
    span = src.value_span(("execution", "nodes", 4, "inputs", 1))
    assert text[span.start : span.end] == '"exec_node_4"'
    member = src.member(("semantic", "symbol_table", "numbers"))
    assert text[member.key_span.start : member.key_span.end] == '"numbers"'
    # a whole node is focused on its id, so editors underline one token, not the object
    focus = src.focus_span(("execution", "nodes", 4))
    assert text[focus.start : focus.end] == '"exec_node_5"'
    # a missing member falls back to its nearest existing ancestor
    assert src.focus_span(("execution", "nodes", 4, "nope")) == focus
    # offsets map back to paths (what hover and go-to-definition need)
    offset = text.index('"param_numbers"')
    assert src.path_at(offset + 2) == (("semantic", "nodes", 1, "node_id"), False)


def test_positions_count_code_points_not_bytes():
    raw = sum_doc()
    raw["intent"]["description"] = "Σ of ünïcode — 数字"
    raw["execution"]["nodes"][4]["inputs"][1] = "missing_ü"
    text = json.dumps(raw, indent=2, ensure_ascii=False)
    findings = [f for f in check_text(text.encode("utf-8")) if f.code == "ANRF104"]
    assert findings and _slice(text, findings[0].range) == '"missing_ü"'


def test_syntax_error_position_and_recovery():
    text = json.dumps(sum_doc(), indent=2)
    broken = text.replace('"label": "sum",', '"label": "sum"', 1)  # missing comma
    doc = load_document(broken)
    [finding] = [f for f in doc.findings if f.code == "ANRF100"]
    line = broken.split("\n")[finding.range.start.line]
    assert '"properties"' in line and "expected ','" in finding.message
    # the rest of the tree is still there for navigation features
    assert doc.tree["execution"]["nodes"][6]["operation"] == "return"
    assert doc.model is not None and len(doc.model.execution.nodes) == 7


def test_truncated_document_reports_unclosed_containers():
    text = json.dumps(sum_doc(), indent=2)
    doc = load_document(text[: len(text) // 2])
    messages = [f.message for f in doc.findings]
    assert all(f.code == "ANRF100" for f in doc.findings)
    assert any("not closed" in m for m in messages)
    assert doc.tree["anrf_id"] == "func_123456"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('{"a": 1,}', "trailing comma"),
        ('{"a": [1, 2,]}', "trailing comma"),
        ("{'a': 1}", "property name"),
        ('{"a": NaN}', "invalid value"),
        ('{"a": "x\n"}', "unterminated string"),
        ('{"a": 1} {"b": 2}', "after the end"),
        ("", "empty document"),
        ('{"a": 01}', "invalid value"),
    ],
)
def test_syntax_errors_have_clear_messages(text, fragment):
    findings = check_text(text)
    assert findings and findings[0].code == "ANRF100"
    assert any(fragment in f.message for f in findings), [f.message for f in findings]


def test_invalid_utf8_is_a_finding_at_the_right_place():
    data = json.dumps(sum_doc(), indent=2).encode().replace(b"Calculate the sum", b"Calculate \xff\xfe sum")
    findings = check_text(data)
    [f] = [f for f in findings if "UTF-8" in f.message]
    assert f.code == "ANRF100" and f.severity == "error"
    line = data.split(b"\n")[f.range.start.line]
    assert b"\xff" in line


def test_deep_nesting_is_a_finding_not_a_crash():
    findings = check_text("[" * 100_000 + "]" * 100_000)
    assert any(f.code == "ANRF100" and "nested deeper" in f.message for f in findings)
    findings = check_text('{"anrf_id": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001)
    assert any("nested deeper" in f.message for f in findings)


@pytest.mark.parametrize(
    "value, kind",
    [([], "an array"), ("text", "a string"), (3, "a number"), (None, "null")],
)
def test_non_object_root(value, kind):
    [f] = check_text(json.dumps(value))
    assert f.code == "ANRF101" and kind in f.message


def test_string_where_an_object_belongs():
    raw = sum_doc()
    raw["semantic"] = "nodes go here"
    raw["execution"]["nodes"][0] = "function_def"
    text = json.dumps(raw, indent=2)
    findings = check_text(text)
    by_pointer = {f.pointer: f for f in findings if f.code == "ANRF101"}
    assert "must be an object" in by_pointer["/semantic"].message
    assert "/execution/nodes/0" in by_pointer
    assert _slice(text, by_pointer["/semantic"].range) == '"nodes go here"'


def test_fifty_megabyte_document_is_checked(tmp_path):
    from benchmarks.generate import make_text
    from checkers import check_file

    big = tmp_path / "big.anrf.json"
    text = make_text(30_000)
    pad = 50 * 1024 * 1024 - len(text)
    # pad with whitespace inside the document: still valid JSON, 50 MB on disk
    big.write_text(text[:-1] + " " * pad + "}")
    assert big.stat().st_size >= 50 * 1024 * 1024
    findings = check_file(str(big))
    assert not [f for f in findings if f.severity == "error"], findings[:3]


def test_oversized_file_is_refused_cleanly(tmp_path):
    from anrf_lsp.format.document import load_file

    big = tmp_path / "big.anrf.json"
    big.write_bytes(b" " * (2 * 1024 * 1024))
    doc = load_file(str(big), max_bytes=1024 * 1024)
    assert [f.code for f in doc.findings] == ["ANRF000"]


def test_schema_copy_in_repo_is_current():
    published = json.loads((ROOT / "anrf_lsp" / "schema" / "anrf-v1.schema.json").read_text())
    assert published == json_schema()
    assert set(published["required"]) == {"anrf_id", "version", "intent", "semantic", "execution"}
    assert published["$defs"]["ExecNode"]["required"] == ["node_id", "operation"]


def test_model_rejects_nothing_silently():
    # strict mode: a number where a string belongs is an error, not a coercion
    raw = sum_doc()
    raw["semantic"]["nodes"][0]["label"] = 5
    findings = check_text(json.dumps(raw))
    assert any(f.code == "ANRF101" and f.pointer == "/semantic/nodes/0/label" for f in findings)
    assert Anrf.model_validate(sum_doc()).semantic.nodes[0].label == "sum"


def test_checking_creates_no_reference_cycles():
    """A checked document is freed by reference counting the moment it is dropped;
    a cycle would keep megabytes alive until a full collection (and cost a pause)."""
    import gc

    from checkers import check_document

    text = (EXAMPLES / "valid" / "text_utils.anrf.json").read_bytes()
    check_document(load_document(text))  # warm-up: first use creates lazily built, long-lived objects
    gc.collect()
    gc.disable()
    try:
        for data in (text, text[: len(text) // 2]):  # valid, and broken (the recovery path)
            doc = load_document(data)
            check_document(doc)
            del doc
        assert gc.collect() == 0
    finally:
        gc.enable()


def _paths(value, path=()):
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _paths(child, path + (key,))


def test_lazily_read_positions_agree_with_a_complete_index():
    """A valid document's containers are read only as far as a question needs; whatever the
    order of questions, the answers are those of the tolerant parser's complete index."""
    import random

    from anrf_lsp.format.jsonsource import _recover

    text = json.dumps(sum_doc(), indent=2)
    complete = _recover(text).source
    paths = list(_paths(json.loads(text)))
    paths += [p + ("missing",) for p in paths] + [p + (99,) for p in paths]
    for order in (paths, paths[::-1], random.Random(1).sample(paths, len(paths))):
        lazy = parse_json(text).source
        for path in order:
            assert lazy.member(path) == complete.member(path), path
            box, full = lazy.children(path), complete.children(path)
            assert (box and (box.span, box.members)) == (full and (full.span, full.members)), path
        for offset in range(0, len(text), 7):
            assert lazy.path_at(offset) == complete.path_at(offset)


def test_duplicate_keys_do_not_stall_position_lookups():
    """JSON parsers keep the last of duplicated keys, and so do positions (a lookup through a
    duplicated key used to loop forever)."""
    text = '{"a": {"x": 1}, "a": {"y": [1, 2]}}'
    src = parse_json(text).source
    span = src.value_span(("a",))
    assert text[span.start : span.end] == '{"y": [1, 2]}'
    assert src.focus_span(("a", "y", 1)) is not None
    text = json.dumps(sum_doc(), indent=2)
    doubled = text.replace('"execution": {', '"execution": {"nodes": []}, "execution": {', 1)
    assert sorted(f.code for f in check_text(doubled)) == sorted(f.code for f in check_text(text))


def test_an_integer_too_long_to_convert_is_a_syntax_finding_not_a_crash():
    text = (EXAMPLES / "valid" / "sum.anrf.json").read_text().replace('"metadata": {', '"metadata": {"x": ' + "9" * 5000 + ",", 1)
    findings = check_text(text)
    assert [f.code for f in findings] == ["ANRF100"] and "5000 digits" in findings[0].message


def test_a_pointer_part_that_is_a_digit_but_not_ascii_is_a_key():
    """'³'.isdigit() is true and int('³') fails: an intent_refs pointer or a key like it must not crash the checkers."""
    assert path_from_pointer("/a/³/0") == ("a", "³", 0)
    doc = sum_doc()
    doc["semantic"]["nodes"][0]["intent_refs"] = ["/intent/tags/³"]
    assert any(f.code == "ANRF303" for f in check_text(json.dumps(doc)))


def test_a_number_too_large_for_a_float_is_a_syntax_finding():
    """1e999 would be read as infinity, which no JSON document can hold when it is written back."""
    doc = sum_doc()
    text = json.dumps(doc).replace('"metadata": {', '"metadata": {"confidence_score": 1e999, "y": -2E+400, ', 1)
    syntax = [f for f in check_text(text) if f.code == "ANRF100"]
    assert len(syntax) == 2 and "1e999 is out of range" in syntax[0].message and "-2E+400" not in syntax[0].message
    assert not [f for f in check_text(json.dumps(doc).replace('"metadata": {', '"metadata": {"small": 1e-999, ', 1)) if f.code == "ANRF100"]
