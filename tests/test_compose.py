"""The compositional behaviour space and structured intent v2 (issue 15).

Every behaviour is checked the way the data build checks it: its Python (made from the parts)
goes through the importer into ANRF, which must pass every checker and run equal to the
reference (made from the parts' callables) on its cases."""

from __future__ import annotations

import json
import random

import pytest

from anrf_lsp.execution.interpreter import AnrfRuntimeError, run_function
from anrf_lsp.execution.ops import json_equal
from anrf_lsp.format.model import Anrf
from anrf_lsp.intent.behaviour import BehaviourNode, node, parse
from anrf_lsp.intent.schema import StructuredIntent
from anrf_lsp.program.python_import import import_python
from checkers import check_text
from training.compose import parts, space


def test_the_space_holds_far_more_than_twenty_thousand_distinct_behaviours():
    assert space.count() >= 20_000
    rng = random.Random(7)
    indices = rng.sample(range(space.count()), 3000)
    keys = {space.spec_at(i).key() for i in indices}
    assert len(keys) == len(indices)  # distinct indices are distinct behaviours
    with pytest.raises(IndexError):
        space.spec_at(space.count())


def test_every_part_occurs_and_held_out_parts_mark_a_family():
    names = {p.name for p in parts.PREDICATES} | {t.name for t in parts.TRANSFORMS} | {r.name for r in parts.REDUCERS}
    assert parts.HELD_OUT_PARTS <= names
    seen: set[str] = set()
    specs = list(space.sample(random.Random(3), 20_000))
    for spec in specs:
        seen |= spec.parts()
    assert names <= seen
    assert all(spec.held_out_family() == bool(spec.parts() & parts.HELD_OUT_PARTS) for spec in specs)
    assert any(spec.held_out_family() for spec in specs) and not all(spec.held_out_family() for spec in specs)


@pytest.mark.parametrize("seed", range(6))
def test_sampled_behaviours_import_check_and_run_equal_to_their_reference(seed):
    for spec in space.sample(random.Random(seed), 40):
        doc = import_python(spec.python(summary="Composed."), filename=f"{spec.name()}.py")
        findings = [f for f in check_text(json.dumps(doc)) if f.severity in ("error", "warning")]
        assert not findings, (spec.key(), [f.message for f in findings])
        model = Anrf.model_validate(doc)
        for args in spec.cases(random.Random(seed)):
            want = spec.reference(json.loads(json.dumps(args)))
            got = run_function(model, json.loads(json.dumps(args)))
            assert json_equal(want, got), (spec.key(), args, want, got)


def test_a_users_example_is_a_composition():
    """"the product of the positive numbers in a list": no catalog key, one fold of known parts."""
    by_name = {p.name: p for p in (*parts.PREDICATES, *parts.TRANSFORMS, *parts.REDUCERS)}
    spec = space.Spec(parts.SOURCES[0], "filter", space.Condition((space.Atom(by_name["positive"]),)), parts.TRANSFORMS[0], by_name["product"])
    assert spec.key() == "fold(map=identity, reduce=product, select=filter(predicate=positive), source=numbers)"
    model = Anrf.model_validate(import_python(spec.python(), filename="p.py"))
    assert run_function(model, [[2, -3, 4, 0.5]]) == 4
    assert run_function(model, [[]]) == 1
    with pytest.raises(AnrfRuntimeError):
        run_function(model, [["a"]])


def test_behaviour_text_round_trips():
    tree = node("fold", source=node("numbers"), select=node("filter", predicate=node("and", left=node("gt", value=node("param", name="threshold")),
                                                                                    right=node("even"))), map=node("square"), reduce=node("mean"))
    assert parse(tree.text()) == tree
    assert tree.is_known() and not node("fold", map=node("unknown")).is_known()
    for text in ("", "fold(", "fold(a=)", "fold(a=1,", "fold(a=1) x"):
        with pytest.raises(ValueError):
            parse(text)


def test_structured_intent_v2_and_v1_compatibility():
    tree = node("fold", source=node("words"), select=node("all"), map=node("length"), reduce=node("sum"))
    v2 = StructuredIntent(version=2, intent_type="create_function", target={"kind": "function", "name": "total_length"},
                          behaviour=tree, description="total length of the words")
    again = StructuredIntent.model_validate_json(v2.model_dump_json())
    assert isinstance(again.behaviour, BehaviourNode) and again.behaviour == tree
    v1 = StructuredIntent.model_validate({"intent_type": "create_function", "target": {"kind": "function", "name": "biggest"},
                                          "operation": "max", "description": "the largest number"})
    assert v1.version == 1 and v1.behaviour is None
    with pytest.raises(ValueError, match="needs version 2"):
        StructuredIntent(intent_type="create_function", behaviour=tree, description="x")


def test_the_documented_jsonl_example_is_a_valid_training_record():
    """docs/intent-data.md's worked example validates, and its slots are the ones its behaviour gives."""
    import re
    from pathlib import Path

    from anrf_lsp.intent.slots import slots_of

    doc = (Path(__file__).resolve().parents[1] / "docs" / "intent-data.md").read_text()
    block = re.search(r"A worked example.*?```json\n(.*?)```", doc, re.DOTALL).group(1)
    record = json.loads(block)
    intent = StructuredIntent.model_validate(record["intent"])
    assert intent.behaviour.text() == "fold(map=identity, reduce=product, select=filter(predicate=gt(value=10)), source=numbers)"
    slots, values, params = slots_of(intent.behaviour)
    assert slots == record["slots"] and values == [10] and params == []
