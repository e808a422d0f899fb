"""Findings: what every checker reports, with the stable code catalog.

A finding is plain data (no LSP types) so the CLI, the language server and the
HTTP service can all render the same thing their own way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

# The check catalog: every code's severity, title, group and documentation, defined once with
# `define` beside the rule that reports it (the loader's codes in format/document.py, the rest in
# checkers/*.py; `checkers.catalog()` imports them all). docs/checks.md is generated from it
# (`python -m checkers.docs`). The codes are stable: never renumber.
GROUPS = ("structure", "types", "cross_layer", "intent")


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    severity: Severity  # the default; a rule may report a milder variant (documented in `doc`)
    title: str
    group: str  # one of GROUPS: the service's /verify check that reports it
    doc: str  # Markdown: what it means, then a failing and a passing example


CATALOG: dict[str, Check] = {}


MAX_FINDINGS = 1000  # per document: beyond it the rest are not computed (ANRF108)


def define(code: str, severity: Severity, title: str, group: str, doc: str) -> Check:
    """Add a code to the catalog (at import of the module whose rule reports it)."""
    if group not in GROUPS:
        raise ValueError(f"{code}: unknown group {group!r}")
    if code in CATALOG and CATALOG[code].title != title:
        raise ValueError(f"{code} is defined twice")
    CATALOG[code] = check = Check(code, severity, title, group, doc.strip())
    return check


@dataclass(frozen=True, slots=True)
class Position:
    """0-based line and character (Unicode code points), LSP style."""

    line: int
    character: int


@dataclass(frozen=True, slots=True)
class Range:
    start: Position
    end: Position

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": {"line": self.start.line, "character": self.start.character},
            "end": {"line": self.end.line, "character": self.end.character},
        }


@dataclass(slots=True)
class Related:
    """A second place that matters for a finding (e.g. the first of two duplicate ids)."""

    pointer: str
    range: Range
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"pointer": self.pointer, "range": self.range.to_dict(), "message": self.message}


@dataclass(slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    pointer: str
    range: Range
    related: list[Related] = field(default_factory=list)
    # Machine-readable facts a quick fix needs (kept small and JSON-serializable).
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "pointer": self.pointer,
            "range": self.range.to_dict(),
        }
        if self.related:
            out["related"] = [r.to_dict() for r in self.related]
        if self.data:
            out["data"] = self.data
        return out

    def sort_key(self) -> tuple[int, int, int, str, str, str]:
        """Position, then severity and code; pointer and message make the order total, so it does
        not depend on which check ran first (incremental checking assembles findings differently)."""
        return (self.range.start.line, self.range.start.character, SEVERITY_ORDER[self.severity], self.code, self.pointer,
                self.message)


def default_severity(code: str) -> Severity:
    return CATALOG[code].severity
