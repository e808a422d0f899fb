"""Findings: what every checker reports, with the stable code catalog.

A finding is plain data (no LSP types) so the CLI, the language server and the
HTTP service can all render the same thing their own way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

# code -> (default severity, short title). The codes are stable: never renumber.
CATALOG: dict[str, tuple[Severity, str]] = {
    "ANRF000": ("error", "document could not be read"),
    "ANRF100": ("error", "invalid JSON syntax"),
    "ANRF101": ("error", "schema: missing or wrong-typed field"),
    "ANRF102": ("error", "unsupported version"),
    "ANRF103": ("error", "duplicate id in a scope"),
    "ANRF104": ("error", "dangling reference"),
    "ANRF105": ("error", "forbidden cycle"),
    "ANRF106": ("warning", "unreachable execution node"),
    "ANRF107": ("warning", "unknown field"),
    "ANRF201": ("error", "unknown type"),
    "ANRF202": ("error", "operand type mismatch"),
    "ANRF203": ("error", "return type mismatch"),
    "ANRF204": ("error", "invalid parent type or inheritance cycle"),
    "ANRF205": ("error", "unknown operation or wrong arity"),
    "ANRF301": ("warning", "execution node not covered by any semantic node"),
    "ANRF302": ("warning", "symbol table disagrees with node labels"),
    "ANRF303": ("error", "invalid intent_refs"),
    "ANRF401": ("info", "constraint not checkable"),
    "ANRF402": ("error", "performance constraint contradicted by the execution layer"),
    "ANRF403": ("warning", "empty intent description"),
}


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

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.range.start.line, self.range.start.character, SEVERITY_ORDER[self.severity], self.code)


def default_severity(code: str) -> Severity:
    return CATALOG[code][0]
