"""Hover cards and confidence inlay hints (anrf_lsp.language)."""

from __future__ import annotations

import json

import pytest

from anrf_lsp.format.confidence import MEANING, parse_score
from anrf_lsp.language.hover import MAX_LISTED, hover
from anrf_lsp.language.inlay import inlay_hints
from benchmarks.generate import make_text

from .conftest import sum_doc
from .test_language_navigation import SUM_TEXT, offset_of, open_doc


def card(text: str, needle: str, inside: int = 2, after: str = "") -> tuple[str, str]:
    """The hover card at `needle` and the text its span covers."""
    doc, index = open_doc(text)
    found = hover(doc, index, offset_of(text, needle, inside, after))
    assert found is not None
    markdown, span = found
    return markdown, text[span.start : span.end]


def test_execution_node_card_wires_all_three_layers():
    markdown, covered = card(SUM_TEXT, '"exec_node_2"', after='"node_id": "exec_node_1"')  # an inputs entry
    assert covered == '"exec_node_2"'
    assert markdown.startswith("**execution node** `exec_node_2` · execution layer")
    assert "- operation: `parameter`" in markdown and "name = `numbers`" in markdown
    assert "**Refers to** 1 id:\n- outputs: `exec_node_4`" in markdown
    assert "**Referred to** by 5 references:" in markdown
    assert "- execution_refs of semantic nodes: `param_numbers`" in markdown
    assert "- inputs of execution nodes: `exec_node_1`, `exec_node_4`" in markdown
    assert "`exec_edge_1` (control_flow from `exec_node_1`), `exec_edge_2` (control_flow to `exec_node_3`)" in markdown


def test_semantic_node_card_resolves_its_type():
    markdown, covered = card(SUM_TEXT, '"param_numbers"', after='"node_id"')
    assert covered == '"param_numbers"'
    assert "- node_type: `parameter` · label: `numbers`" in markdown
    assert "- type: `type_number_array` (Number[])" in markdown
    assert "- symbol_table" not in markdown and "- semantic.symbol_table: `numbers`" in markdown
    assert "`edge_1` (has_parameter from `func_sum`)" in markdown


def test_type_and_edge_cards():
    markdown, _ = card(SUM_TEXT, '"type_number_array"', after='"types"')
    assert "- type_kind: `array` · name: `Number[]`" in markdown and "- element type: `type_number` (Number)" in markdown
    assert "- properties.type of semantic nodes: `param_numbers`" in markdown
    markdown, _ = card(SUM_TEXT, '"exec_edge_4"')
    assert "- edge_type: `loop_body`" in markdown and "- `exec_node_4` (for_each num) → `exec_node_5` (add)" in markdown
    assert "**Referred to** by nothing." in markdown


def test_unknown_ids_and_duplicates_are_called_out():
    raw = sum_doc()
    raw["execution"]["nodes"][6]["inputs"] = ["exec_node_9"]
    raw["semantic"]["nodes"][1]["properties"]["type"] = "type_nope"
    raw["execution"]["nodes"].append({"node_id": "exec_node_1", "operation": "bogus"})
    text = json.dumps(raw, indent=2)
    markdown, _ = card(text, '"exec_node_9"')
    assert markdown.startswith("**`exec_node_9`** names no execution node") and "it is named by 1 dangling reference." in markdown
    markdown, _ = card(text, '"type_nope"')
    assert "names no type" in markdown and "`semantic.types`" in markdown
    markdown, _ = card(text, '"exec_node_1"', after='"nodes": [\n      {\n        "node_id": "exec_node_1"')
    assert "⚠ defined 2 times in `execution.nodes` (ANRF103)" in markdown


def test_intent_card_shows_constraints_and_confidence():
    markdown, covered = card(SUM_TEXT, '"intent"')
    assert covered == '"intent"'
    assert markdown.startswith("**Intent** · function")
    assert "> Calculate the sum of an array of numbers" in markdown
    assert "**Constraints** (2):\n- performance: Linear time complexity O(n)\n- safety: Handle empty arrays gracefully" in markdown
    assert f"**Confidence** 0.95: {MEANING} (`metadata.confidence_score`)." in markdown
    inside, covered = card(SUM_TEXT, "Linear time")
    assert inside == markdown and covered == '"Linear time complexity O(n)"'


@pytest.mark.parametrize(
    "score, expected",
    [
        (None, "**Confidence**: none. `metadata.confidence_score` is not set"),
        ("high", "is `high`, not a number between 0 and 1"),
        ("0.5", "**Confidence** 0.50:"),
    ],
)
def test_intent_card_without_a_usable_confidence(score, expected):
    raw = sum_doc()
    raw["metadata"].pop("confidence_score")
    if score is not None:
        raw["metadata"]["confidence_score"] = score
    markdown, _ = card(json.dumps(raw, indent=2), "Calculate")
    assert expected in markdown


def test_hover_on_confidence_metadata_explains_it():
    markdown, covered = card(SUM_TEXT, '"confidence_score"')
    assert covered == '"confidence_score"' and MEANING in markdown
    doc, index = open_doc(SUM_TEXT)
    assert hover(doc, index, offset_of(SUM_TEXT, '"generated_by"')) is None
    assert hover(doc, index, offset_of(SUM_TEXT, '"v1"')) is None


def test_cards_stay_small_on_huge_documents():
    text = make_text(3_000)
    markdown, _ = card(text, '"t_int"', after='"types"')
    assert "**Referred to** by 921 references:" in markdown  # 230 functions: return type, total, two constants each
    assert "- properties.type of execution nodes: `f0_e5`, `f0_e7`, `f1_e5`, `f1_e7`, `f2_e5`, … (460 in all)" in markdown
    assert markdown.count("`f") == 3 * MAX_LISTED
    assert len(markdown) < 2_000


# -- inlay hints -----------------------------------------------------------------------


def test_confidence_hints_after_the_document_id_and_scored_nodes():
    raw = sum_doc()
    raw["metadata"]["confidence.exec_node_3"] = "0.91"
    raw["metadata"]["confidence.param_numbers"] = 0.5
    raw["metadata"]["confidence.exec_node_9"] = "0.7"  # names nothing: no hint
    raw["metadata"]["confidence.exec_node_5"] = "much"  # not a score: no hint
    text = json.dumps(raw, indent=2)
    doc, index = open_doc(text)
    hints = inlay_hints(doc, 0, len(text), index)
    assert [(text[: h.offset].rsplit(": ", 1)[1], h.label) for h in hints] == [
        ('"func_123456"', "confidence 0.95"),
        ('"param_numbers"', "confidence 0.50"),
        ('"exec_node_3"', "confidence 0.91"),
    ]
    assert MEANING in hints[0].tooltip
    assert inlay_hints(doc, hints[1].offset + 1, len(text), index) == hints[2:]
    assert inlay_hints(doc, 0, hints[0].offset, index) == []  # the range end is exclusive


def test_no_hints_without_scores():
    raw = sum_doc()
    raw["metadata"] = {"confidence_score": "1.5"}
    text = json.dumps(raw)
    assert inlay_hints(open_doc(text)[0], 0, len(text)) == []


@pytest.mark.parametrize(
    "value, score", [("0.87", 0.87), (" 1 ", 1.0), (0, 0.0), (True, None), ("nan", None), ("-0.1", None), ({}, None), ("", None)]
)
def test_score_parsing(value, score):
    assert parse_score(value) == score


def test_a_best_guess_written_anyway_says_it_was_not_accepted():
    raw = sum_doc()
    raw["metadata"].update({"confidence_score": "0.31", "acceptance": "not accepted", "declined_reason": "low confidence 0.31; best guess: x"})
    text = json.dumps(raw, indent=2)
    doc, index = open_doc(text)
    (hint,) = inlay_hints(doc, 0, len(text), index)
    assert hint.label == "confidence 0.31, not accepted" and "written anyway: low confidence 0.31" in hint.tooltip
    markdown, _ = card(text, '"confidence_score"')
    assert "**Not accepted**: written anyway although declined (low confidence 0.31; best guess: x)" in markdown
    raw["metadata"]["acceptance"] = "accepted"  # anything else is not a decline
    text = json.dumps(raw, indent=2)
    doc, index = open_doc(text)
    assert inlay_hints(doc, 0, len(text), index)[0].label == "confidence 0.31"
