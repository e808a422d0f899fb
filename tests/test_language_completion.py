"""Completion of ids and enum values, including in half-typed documents (anrf_lsp.language.completion)."""

from __future__ import annotations

import json
from typing import get_args

import pytest

from anrf_lsp.execution.ops import OPS
from anrf_lsp.format import model
from anrf_lsp.language.completion import MAX_ITEMS, completions
from benchmarks.generate import make_text

from .conftest import sum_doc
from .test_language_navigation import SUM_TEXT, open_doc

EXEC_IDS = [f"exec_node_{i}" for i in range(1, 8)]


def complete(text: str, offset: int):
    doc, index = open_doc(text)
    return completions(doc, index, offset)


def labels(result) -> list[str]:
    return [c.label for c in result.items]


def test_inside_an_inputs_string_offers_execution_nodes_and_replaces_the_string_content():
    offset = SUM_TEXT.index('"exec_node_3", "exec_node_4"], "outputs": ["exec_node_3"]') + len('"exec_n')
    result = complete(SUM_TEXT, offset)
    assert SUM_TEXT[result.replace_span.start : result.replace_span.end] == "exec_node_3"
    assert labels(result) == EXEC_IDS and not result.is_incomplete
    first = result.items[0]
    assert (first.insert_text, first.kind, first.detail) == ("exec_node_1", "reference", "function_def sum")


def test_truncated_right_after_the_opening_quote():
    cut = SUM_TEXT.index('"inputs": ["exec_node_3", "exec_node_4"]') + len('"inputs": ["')
    text = SUM_TEXT[:cut]  # the rest of the file is missing
    result = complete(text, cut)
    assert result.replace_span.start == result.replace_span.end == cut
    assert labels(result) == EXEC_IDS[:5]  # only the nodes defined before the cut exist yet
    assert result.items[0].insert_text == "exec_node_1"


def test_truncated_mid_word_replaces_the_partial_word():
    cut = SUM_TEXT.index('"inputs": ["exec_node_3", "exec_node_4"]') + len('"inputs": [')
    text = SUM_TEXT[:cut] + '"exec_n'
    result = complete(text, len(text))
    assert text[result.replace_span.start : result.replace_span.end] == "exec_n" and result.replace_span.end == len(text)
    assert labels(result) == EXEC_IDS[:5]


def test_unterminated_string_before_more_text():
    cut = SUM_TEXT.index('"exec_node_2"], "outputs": ["exec_node_7"]') + len('"exec')
    text = SUM_TEXT[:cut] + "\n" + SUM_TEXT[SUM_TEXT.index("{", cut) :]  # the string ends at the line end
    result = complete(text, cut)
    assert text[result.replace_span.start : result.replace_span.end] == "exec" and labels(result) == EXEC_IDS


@pytest.mark.parametrize(
    "before, after, cursor",
    [
        ('"inputs": [], "outputs"', None, '"inputs": ['),  # an empty array
        ('"inputs": ["exec_node_2", "exec_node_3"]', '"inputs": ["exec_node_2", ]', '"inputs": ["exec_node_2", '),  # a new last element
        ('"inputs": ["exec_node_2", "exec_node_3"]', '"inputs": ["exec_node_2",  , "exec_node_3"]', '"inputs": ["exec_node_2", '),
    ],
)
def test_empty_array_slots_offer_quoted_ids(before, after, cursor):
    text = SUM_TEXT.replace(before, after) if after else SUM_TEXT
    offset = text.index(after or before) + len(cursor)
    result = complete(text, offset)
    assert result.replace_span.start == result.replace_span.end == offset
    assert [c.insert_text for c in result.items] == [json.dumps(i) for i in EXEC_IDS]


def test_array_left_open_at_the_end_of_the_file():
    cut = SUM_TEXT.index('"inputs": ["exec_node_3", "exec_node_4"]') + len('"inputs": [')
    result = complete(SUM_TEXT[:cut], cut)
    assert result.items[0].insert_text == '"exec_node_1"'


@pytest.mark.parametrize("tail", ["", " ", ', "inputs": []}]}}'])
def test_missing_value_after_a_key(tail):
    cut = SUM_TEXT.index('"operation": "add"') + len('"operation": ')
    text = SUM_TEXT[:cut] + tail
    result = complete(text, cut)
    assert labels(result) == list(OPS) and result.items[0].insert_text == '"function_def"'


def test_operations_come_from_the_op_table_with_their_docs():
    offset = SUM_TEXT.index('"operation": "add"') + len('"operation": "a')
    result = complete(SUM_TEXT, offset)
    assert labels(result) == list(OPS)
    add = next(c for c in result.items if c.label == "add")
    assert (add.kind, add.detail, add.documentation) == ("operator", "arithmetic · 2 inputs", OPS["add"].doc)


@pytest.mark.parametrize(
    "value_text, literal",
    [
        ('"intent_type": "function"', model.IntentType),
        ('"type": "safety"', model.ConstraintType),
        ('"node_type": "variable"', model.NodeType),
        ('"edge_type": "declares"', model.EdgeType),  # semantic edge
        ('"type_kind": "array"', model.TypeKind),
        ('"format": "graph"', model.ExecutionFormat),
        ('"edge_type": "loop_body"', model.ExecEdgeType),  # execution edge
    ],
)
def test_enum_fields_offer_the_model_values(value_text, literal):
    offset = SUM_TEXT.index(value_text) + value_text.index(': "') + 3
    result = complete(SUM_TEXT, offset)
    assert labels(result) == list(get_args(literal)) and {c.kind for c in result.items} == {"enum_member"}


@pytest.mark.parametrize(
    "value_text, expected",
    [
        ('"properties": {"type": "type_number_array"}', ["type_number", "type_number_array"]),
        ('"properties": {"return_type": "type_number"}', ["type_number", "type_number_array"]),
        ('"source_id": "func_sum"', ["func_sum", "param_numbers", "var_result"]),
        ('"sum": "func_sum"', ["func_sum", "param_numbers", "var_result"]),
        ('"execution_refs": ["exec_node_2"]', EXEC_IDS),
        ('"source_id": "exec_node_1"', EXEC_IDS),
    ],
)
def test_reference_fields_offer_their_scope(value_text, expected):
    offset = SUM_TEXT.index(value_text) + len(value_text) - 2
    assert labels(complete(SUM_TEXT, offset)) == expected


def test_semantic_node_details_are_type_and_label():
    offset = SUM_TEXT.index('"source_id": "func_sum"') + len('"source_id": "f')
    assert [c.detail for c in complete(SUM_TEXT, offset).items] == ["function sum", "parameter numbers", "variable result"]


@pytest.mark.parametrize(
    "needle, inside",
    [
        ('"inputs"', 2),  # a key
        ('"Calculate', 3),  # free text
        ('"node_id": "exec_node_5"', 14),  # a definition
        ('"v1"', 1),  # version
        ('["exec_node_3", "exec_node_4"]', 0),  # right before an array
        ('"exec_node_5"', 0),  # before the opening quote of an element
        ('"exec_node_5", "exec_node_6"]', 14),  # right after the comma, before the next element
    ],
)
def test_no_completion_where_nothing_fits(needle, inside):
    assert complete(SUM_TEXT, SUM_TEXT.index(needle) + inside) is None


def test_a_missing_array_gets_no_bare_string():
    cut = SUM_TEXT.index('"inputs": ["exec_node_3", "exec_node_4"]') + len('"inputs": ')
    assert complete(SUM_TEXT[:cut], cut) is None  # "inputs" takes an array, not a string


def test_huge_scopes_are_cut_to_what_was_typed():
    text = make_text(10_000)
    offset = text.index('"f700_e4"', text.index('"node_id": "f700_e6"')) + len('"f70')
    result = complete(text, offset)
    assert result.is_incomplete and 0 < len(result.items) <= MAX_ITEMS
    assert all("f70" in c.label for c in result.items)
    assert "f700_e4" in labels(result)


def test_completion_on_a_broken_document_with_unknown_fields():
    raw = sum_doc()
    raw["execution"]["nodes"][0]["x_extra"] = {"inputs": ["nope"]}
    text = json.dumps(raw, indent=2)
    cut = text.index('"nope"') + 2
    assert complete(text[:cut], cut) is None  # not an ANRF reference field
