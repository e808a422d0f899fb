"""The proof every generated example carries: the ANRF passes every checker (no
errors, no warnings) and its execution layer, run by the interpreter, returns
what the reference implementation returns on each test case."""

from __future__ import annotations

import json
from typing import Any

from .behaviour import Case

MAX_STEPS = 200_000  # catalog functions are small; a runaway loop is a generator bug


def prove(anrf: dict[str, Any], cases: list[Case], expected: list[Any]) -> list[str]:
    """Problems with one example (empty when it proves itself)."""
    from anrf_lsp.format.document import load_document
    from checkers import check_document

    doc = load_document(json.dumps(anrf))
    problems = [f"{f.code} {f.severity} at {f.pointer or '/'}: {f.message}" for f in check_document(doc) if f.severity != "info"]
    if problems or doc.model is None:
        return problems or ["the document has no model"]
    return execution_problems(doc.model, cases, expected)


def execution_problems(model: Any, cases: list[Case], expected: list[Any], max_steps: int = MAX_STEPS) -> list[str]:
    """Cases whose result differs from the reference (or that fail) when `model` is interpreted."""
    from anrf_lsp.execution.cases import failures

    return failures(model, [(c.function, c.args) for c in cases], expected, max_steps=max_steps)
