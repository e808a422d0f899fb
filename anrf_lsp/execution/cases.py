"""Run a document's functions on cases and say which disagree with the expected results: the one
comparison the data build's proofs, the generator's evaluation and the run-time verifier share."""

from __future__ import annotations

import copy
from typing import Any

from .interpreter import AnrfRuntimeError, Interpreter, Limits
from .ops import json_equal, json_repr


def failures(model: Any, calls: list[tuple[str | None, list[Any]]], expected: list[Any], max_steps: int = 200_000,
             first_only: bool = False) -> list[str]:
    """Calls `(function, args)` whose result differs from `expected` (or that fail) when `model` is
    interpreted, in words; `first_only` stops at the first (a verifier needs one reason)."""
    try:
        graph = Interpreter(model).graph
    except AnrfRuntimeError as exc:
        return [f"cannot run: {exc}"]
    problems = []
    for (function, args), want in zip(calls, expected, strict=True):
        call = f"{function or 'f'}({', '.join(json_repr(a) for a in args)})"
        try:  # a fresh interpreter per case: the step limit is per call
            got = Interpreter(model, Limits(max_steps=max_steps), graph=graph).run(function, copy.deepcopy(args))
        except AnrfRuntimeError as exc:
            problems.append(f"{call} failed: {exc}")
        else:
            if not json_equal(got, want):
                problems.append(f"{call} returned {json_repr(got)}, not {json_repr(want)}")
        if problems and first_only:
            break
    return problems
