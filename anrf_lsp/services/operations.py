"""What the endpoints do, as plain synchronous functions over ANRF documents (dicts): verification
grouped by check, views, bounded execution, the schema gate for stored documents. No FastAPI here,
so it is testable without a server; app.py runs these in worker threads."""

from __future__ import annotations

import json
import time
from typing import Any

from anrf_lsp.execution.interpreter import AnrfRuntimeError, Interpreter, Limits
from anrf_lsp.format.findings import GROUPS, Finding

# The /verify check names: the check catalog's groups (each code's group is defined beside its rule).
CHECKS: tuple[str, ...] = GROUPS
CHECK_ALIASES = {"references": "cross_layer", "cross-layer": "cross_layer", "crosslayer": "cross_layer"}
# Codes that make a document unfit for storage: unreadable, not JSON, not the v1 schema.
SCHEMA_CODES = frozenset({"ANRF000", "ANRF100", "ANRF101", "ANRF102"})


class UnknownCheck(ValueError):
    pass


class ExecutionFailed(Exception):
    def __init__(self, message: str, logs: list[str]):
        super().__init__(message)
        self.logs = logs


def parse_checks(text: str | None) -> list[str]:
    """`structure,types` -> names in the order given (duplicates dropped); all checks when empty."""
    if not text or not text.strip():
        return list(CHECKS)
    names: list[str] = []
    for raw in text.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        name = CHECK_ALIASES.get(name, name)
        if name not in CHECKS:
            known = ", ".join([*CHECKS, *CHECK_ALIASES])
            raise UnknownCheck(f"unknown check {raw.strip()!r}; known checks: {known}")
        if name not in names:
            names.append(name)
    return names or list(CHECKS)


def check_of(code: str) -> str:
    """The check (catalog group) a finding code belongs to."""
    from checkers import catalog

    found = catalog().get(code)
    return found.group if found is not None else "structure"


def document_text(document: dict[str, Any]) -> str:
    """The form the checkers (and pointers/ranges in their findings) refer to."""
    return json.dumps(document, indent=2, ensure_ascii=False)


def findings_of(document: dict[str, Any]) -> list[Finding]:
    from checkers import check_text

    return check_text(document_text(document))


def finding_out(f: Finding) -> dict[str, Any]:
    return {"code": f.code, "severity": f.severity, "message": f.message, "pointer": f.pointer}


def verify(document: dict[str, Any], checks: list[str]) -> list[dict[str, Any]]:
    """One result per check: FAIL on any error, WARN on any warning, else PASS (info never fails)."""
    found = findings_of(document)
    results = []
    for check in checks:
        mine = [f for f in found if check_of(f.code) == check]
        errors = sum(f.severity == "error" for f in mine)
        warnings = sum(f.severity == "warning" for f in mine)
        status = "FAIL" if errors else "WARN" if warnings else "PASS"
        infos = len(mine) - errors - warnings
        results.append({"check": check, "status": status,
                        "details": {"summary": f"{errors} error(s), {warnings} warning(s), {infos} info",
                                    "findings": [finding_out(f) for f in mine]}})
    return results


def schema_problems(data: bytes) -> list[Finding]:
    """Errors that keep a body from being stored: not JSON, not an object, not the v1 schema."""
    from checkers import check_text

    return [f for f in check_text(data) if f.severity == "error" and f.code in SCHEMA_CODES]


def model_of(document: dict[str, Any]) -> Any:
    from anrf_lsp.format.document import load_document

    doc = load_document(document_text(document))
    return doc, doc.model


def render(document: dict[str, Any], fmt: str) -> str:
    if fmt == "structure":
        return document_text(document) + "\n"
    from anrf_lsp.view import render_pseudocode

    _doc, model = model_of(document)
    if model is None:
        return "# the document cannot be modelled (see /verify)\n"
    return render_pseudocode(model)


class _BoundedInterpreter(Interpreter):
    """The interpreter with a wall-clock deadline on top of its step limit, checked every 256 steps."""

    def __init__(self, doc: Any, limits: Limits, deadline: float, timeout_s: float):
        super().__init__(doc, limits)
        self._deadline, self._timeout_s = deadline, timeout_s

    def _tick(self, node_id: str | None) -> None:
        super()._tick(node_id)
        if self.steps & 0xFF == 0 and time.monotonic() > self._deadline:
            raise AnrfRuntimeError(f"time limit of {self._timeout_s:g} s exceeded", node_id)


def execute(document: dict[str, Any], function: str | None, args: list[Any], max_steps: int, timeout_s: float) -> tuple[Any, list[str]]:
    """(output, logs); ExecutionFailed (with the logs so far) when the document has errors or the run fails."""
    from checkers import check_document

    doc, model = model_of(document)
    errors = [f for f in check_document(doc) if f.severity == "error"]
    if model is None or errors:
        first = "; ".join(f"{f.code} {f.message}" for f in errors[:3])
        raise ExecutionFailed(f"the document has {len(errors)} error(s) and is not run: {first}", [f"refused: {len(errors)} checker error(s)"])
    logs: list[str] = []
    started = time.monotonic()
    try:
        interp = _BoundedInterpreter(model, Limits(max_steps=max_steps), started + timeout_s, timeout_s)
        fn = interp.resolve(function)
        logs.append(f"call {fn.name} with {len(args)} argument(s)")
        output = interp.run(fn.name, args)
    except AnrfRuntimeError as exc:
        logs.append(f"error: {exc}")
        raise ExecutionFailed(str(exc), logs) from None
    try:
        output = json.loads(json.dumps(output, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        raise ExecutionFailed(f"the result is not a JSON value (or nested too deeply): {type(output).__name__}", logs) from None
    logs.append(f"returned after {interp.steps} step(s) in {(time.monotonic() - started) * 1000:.1f} ms")
    return output, logs
