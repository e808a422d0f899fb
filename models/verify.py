"""The verifier: does a candidate program do what its request's reading says?

A structured intent v2 reading of a composition is an executable specification
(anrf_lsp/intent/semantics.py). Every candidate runs on probe inputs against it, and one that
disagrees is rejected with the first disagreement as its reason: a program that sums where the
request asks for a count is never accepted, however likely the model found it. What the probes
cannot see, whether the reading itself is right, is the intent model's calibrated probability,
which the confidence combines with this (models/confidence.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from anrf_lsp.intent.schema import StructuredIntent

PROBES = 24
PROBE_STEPS = 20_000  # the programs are single loops over a handful of elements


@dataclass(frozen=True)
class Verdict:
    """`verified`: the reading is executable and the program agreed on every probe; `disagreement`:
    the first probe it got wrong, in words (None when it agreed or there was nothing to run)."""

    verified: bool
    disagreement: str | None = None


NOT_EXECUTABLE = Verdict(False)


def against_reading(anrf: dict[str, Any], intent: StructuredIntent) -> Verdict:
    """Run the program of `anrf` on probes of `intent`'s behaviour and compare with the reading."""
    from pydantic import ValidationError

    from anrf_lsp.execution.cases import failures
    from anrf_lsp.format.model import Anrf
    from anrf_lsp.intent.semantics import NotExecutable, evaluate, probes

    if intent.behaviour is None or not intent.behaviour.is_known():
        return NOT_EXECUTABLE
    try:
        inputs = probes(intent.behaviour, PROBES)
        expected = [evaluate(intent.behaviour, args) for args in inputs]
    except (NotExecutable, TypeError, ValueError, ZeroDivisionError):
        return NOT_EXECUTABLE  # a reading with no meaning here, or one its own probes break (x % 0)
    try:
        model = Anrf.model_validate(anrf)  # the assembled dict the checkers just passed: no text round trip
    except ValidationError:
        return Verdict(False, "the program cannot be read back")
    name = intent.target.name if intent.target is not None else None
    problems = failures(model, [(name, args) for args in inputs], expected, max_steps=PROBE_STEPS, first_only=True)
    if problems:
        return Verdict(False, f"disagrees with the reading {intent.behaviour.text()}: {problems[0]}")
    return Verdict(True)
