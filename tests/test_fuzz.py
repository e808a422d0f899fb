"""Hypothesis fuzzing: arbitrary JSON and mutated valid documents never crash the
parser or the checkers, and every finding's range lies inside the document."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkers import check_text

from .conftest import sum_doc

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)

IDS = ["exec_node_1", "exec_node_3", "exec_node_4", "exec_node_9", "func_sum", "type_number", "", "x"]
OPS = ["add", "for_each", "end_loop", "return", "if", "while", "nope", "call", "index", "constant"]


def assert_ranges_inside(text: str, findings) -> None:
    lines = text.split("\n")
    for f in findings:
        for pos in (f.range.start, f.range.end):
            assert 0 <= pos.line < len(lines), (f, len(lines))
            assert 0 <= pos.character <= len(lines[pos.line]), (f, lines[pos.line])
        assert (f.range.start.line, f.range.start.character) <= (f.range.end.line, f.range.end.character)
        assert f.severity in ("error", "warning", "info")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_json(value):
    text = json.dumps(value, indent=1)
    assert_ranges_inside(text, check_text(text))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text(text):
    assert_ranges_inside(text, check_text(text))


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_truncated_and_spliced_documents(data):
    text = json.dumps(sum_doc(), indent=2)
    cut = data.draw(st.integers(0, len(text)))
    insert = data.draw(st.sampled_from(["", ",", "}", "]", '"', "{", "[", ":", "null", "\n"]))
    broken = text[:cut] + insert + text[cut + data.draw(st.integers(0, 5)) :]
    assert_ranges_inside(broken, check_text(broken))


def _mutate(doc: dict, data) -> None:
    """Apply a random structural mutation: change ids, ops, refs, types, or delete parts."""
    choice = data.draw(st.integers(0, 11))
    ex, sem = doc["execution"], doc["semantic"]
    node = data.draw(st.sampled_from(ex["nodes"])) if ex["nodes"] else None
    if choice == 0 and node:
        node["operation"] = data.draw(st.sampled_from(OPS))
    elif choice == 1 and node:
        node["inputs"] = data.draw(st.lists(st.sampled_from(IDS), max_size=3))
    elif choice == 2 and node:
        node["node_id"] = data.draw(st.sampled_from(IDS))
    elif choice == 3 and ex["edges"]:
        edge = data.draw(st.sampled_from(ex["edges"]))
        edge[data.draw(st.sampled_from(["source_id", "target_id"]))] = data.draw(st.sampled_from(IDS))
        edge["edge_type"] = data.draw(st.sampled_from(["control_flow", "loop_body", "true_branch", "false_branch", "weird"]))
    elif choice == 4 and ex["edges"]:
        del ex["edges"][data.draw(st.integers(0, len(ex["edges"]) - 1))]
    elif choice == 5 and ex["nodes"]:
        del ex["nodes"][data.draw(st.integers(0, len(ex["nodes"]) - 1))]
    elif choice == 6 and sem["nodes"]:
        n = data.draw(st.sampled_from(sem["nodes"]))
        n["properties"] = {"type": data.draw(st.sampled_from(IDS)), "return_type": data.draw(st.sampled_from(IDS))}
    elif choice == 7:
        sem["types"].append({"type_id": data.draw(st.sampled_from(IDS)), "name": "T", "type_kind": "struct",
                             "parent_type": data.draw(st.sampled_from(IDS))})
    elif choice == 8:
        key = data.draw(st.sampled_from(["intent", "semantic", "execution", "metadata", "version", "anrf_id"]))
        doc[key] = data.draw(json_values)
    elif choice == 9 and node:
        node["properties"] = data.draw(st.dictionaries(st.sampled_from(["value", "name", "function", "initial_value"]), json_values, max_size=2))
    elif choice == 10:
        ex["edges"].append({"edge_id": "e_new", "source_id": data.draw(st.sampled_from(IDS)),
                            "target_id": data.draw(st.sampled_from(IDS)), "edge_type": "control_flow"})
    elif choice == 11:
        doc["intent"]["constraints"] = [{"type": data.draw(st.sampled_from(["performance", "safety", "security", "bogus"])),
                                         "description": data.draw(st.sampled_from(["O(1)", "O(n^2)", "handle empty input", ""]))}]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_valid_documents(data):
    doc = sum_doc()
    for _ in range(data.draw(st.integers(1, 4))):
        if not isinstance(doc.get("execution"), dict) or not isinstance(doc.get("semantic"), dict) or not isinstance(doc.get("intent"), dict):
            break
        try:
            _mutate(doc, data)
        except (KeyError, TypeError, AttributeError):
            break  # an earlier mutation replaced a layer by a non-object: the document is already broken
    text = json.dumps(doc, indent=2)
    assert_ranges_inside(text, check_text(text))
