"""A composition's reading is an executable specification (anrf_lsp/intent/semantics.py), and the
verifier (models/verify.py) rejects a program that disagrees with it on probe inputs."""

from __future__ import annotations

import random

import pytest

from anrf_lsp.intent.behaviour import BehaviourNode, node, parse
from anrf_lsp.intent.schema import StructuredIntent, Target
from anrf_lsp.intent.semantics import NotExecutable, evaluate, in_words, probes
from anrf_lsp.program.python_import import import_python
from models.verify import against_reading
from training.compose import space

SUM_SQUARES_EVEN = parse("fold(map=square, reduce=sum, select=filter(predicate=even), source=numbers)")


def _intent(tree: BehaviourNode, name: str = "f", params: tuple[str, ...] = ("numbers",)) -> StructuredIntent:
    from anrf_lsp.intent.schema import Parameter

    return StructuredIntent(intent_type="create_function", target=Target(kind="function", name=name), version=2, behaviour=tree,
                            parameters=[Parameter(name=p, type="any") for p in params], description="test")


def _document(python: str) -> dict:
    return import_python(python, filename="f.py")


def test_the_reading_means_what_the_training_references_mean():
    """Every behaviour of the space evaluates, through the runtime's definitions, to its data reference."""
    rng = random.Random(3)
    for spec in space.sample(rng, 300):
        for args in spec.cases(rng):
            assert evaluate(spec.tree(), args) == spec.reference(args), spec.key()


def test_probes_are_deterministic_and_make_a_filter_both_hold_and_fail():
    first = probes(SUM_SQUARES_EVEN)
    assert first == probes(SUM_SQUARES_EVEN) and len(first) == 24 and first[0] == [[]]
    prefix = parse('fold(map=identity, reduce=count, select=filter(predicate=starts_with(value="th")), source=words)')
    counts = [evaluate(prefix, args) for args in probes(prefix)]
    assert any(c > 0 for c in counts) and any(c == 0 for c in counts[1:])
    with_param = parse('fold(map=identity, reduce=count, select=filter(predicate=gt(value=param(name="threshold"))), source=numbers)')
    assert all(len(args) == 2 for args in probes(with_param))


def test_what_is_not_a_fold_has_no_executable_meaning():
    with pytest.raises(NotExecutable):
        evaluate(node("sort", key=node("length")), [[1]])
    with pytest.raises(NotExecutable):
        evaluate(parse("fold(map=identity, reduce=median, select=all, source=numbers)"), [[1]])


def test_a_reading_in_words():
    assert in_words(SUM_SQUARES_EVEN) == "the sum of the squares of the even numbers"
    text = in_words(parse('fold(map=identity, reduce=count, select=filter(predicate=starts_with(value=param(name="prefix"))), source=words)'))
    assert text == "the number of the words starting with prefix"


RIGHT = """
def f(numbers: list[float]) -> float:
    total = 0
    for x in numbers:
        if x % 2 == 0:
            total += x * x
    return total
"""
COUNTS_INSTEAD = RIGHT.replace("total += x * x", "total += 1")
ODD_INSTEAD = RIGHT.replace("x % 2 == 0", "x % 2 == 1")


def test_the_verifier_accepts_a_program_that_agrees_and_says_where_one_disagrees():
    intent = _intent(SUM_SQUARES_EVEN)
    assert against_reading(_document(RIGHT), intent).verified
    for wrong in (COUNTS_INSTEAD, ODD_INSTEAD):
        verdict = against_reading(_document(wrong), intent)
        assert not verdict.verified and verdict.disagreement is not None
        assert "disagrees with the reading" in verdict.disagreement and "returned" in verdict.disagreement


def test_nothing_to_run_is_not_verified_and_not_rejected():
    named = StructuredIntent(intent_type="create_function", target=Target(kind="function", name="f"), operation="sum", description="x")
    verdict = against_reading(_document(RIGHT), named)
    assert not verdict.verified and verdict.disagreement is None
