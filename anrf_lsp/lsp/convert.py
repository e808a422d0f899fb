"""Core results -> lsprotocol types. Pure functions, no server state."""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types

from anrf_lsp.format.findings import CATALOG, Finding
from anrf_lsp.format.jsonsource import Span

from .positions import TextPositions

SOURCE = "anrf"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def docs_anchor(code: str) -> str:
    """GitHub's anchor for the `## CODE: title` heading of docs/checks.md."""
    heading = f"{code}: {CATALOG[code][1]}" if code in CATALOG else code
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def diagnostic(finding: Finding, positions: TextPositions, uri: str, docs_url: str, related_support: bool = True) -> types.Diagnostic:
    """A finding as an LSP diagnostic; `data` carries what quick fixes need (code, pointer, data)."""
    related = None
    if related_support and finding.related:
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri, range=positions.range_to_client(r.range)), message=r.message
            )
            for r in finding.related
        ]
    return types.Diagnostic(
        range=positions.range_to_client(finding.range),
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=f"{docs_url}#{docs_anchor(finding.code)}"),
        source=SOURCE,
        message=finding.message,
        related_information=related,
        data={"code": finding.code, "pointer": finding.pointer, "data": finding.data},
    )


def fix_payload(diag: types.Diagnostic) -> tuple[str, str, dict[str, Any]] | None:
    """(code, pointer, data) from a diagnostic this server published, else None."""
    payload = diag.data
    if diag.source != SOURCE or not isinstance(payload, dict):
        return None
    code, pointer, data = payload.get("code"), payload.get("pointer"), payload.get("data")
    if not isinstance(code, str) or not isinstance(pointer, str):
        return None
    return code, pointer, data if isinstance(data, dict) else {}


def text_edit(span: Span, new_text: str, positions: TextPositions) -> types.TextEdit:
    return types.TextEdit(range=positions.span_to_client(span), new_text=new_text)
