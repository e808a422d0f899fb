"""Core results -> lsprotocol types. Pure functions, no server state."""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types

from anrf_lsp.format.findings import Finding
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
    from checkers import catalog

    known = catalog()
    heading = f"{code}: {known[code].title}" if code in known else code
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


def hover(markdown: str, rng: types.Range, markdown_supported: bool) -> types.Hover:
    kind = types.MarkupKind.Markdown if markdown_supported else types.MarkupKind.PlainText
    return types.Hover(contents=types.MarkupContent(kind=kind, value=markdown), range=rng)


def location(uri: str, span: Span, positions: TextPositions) -> types.Location:
    return types.Location(uri=uri, range=positions.span_to_client(span))


def symbol_kind(kind: str) -> types.SymbolKind:
    return getattr(types.SymbolKind, kind.title().replace("_", ""), types.SymbolKind.Object)


def document_symbol(symbol: Any, positions: TextPositions) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name or "(unnamed)",
        detail=symbol.detail or None,
        kind=symbol_kind(symbol.kind),
        range=positions.span_to_client(symbol.span),
        selection_range=positions.span_to_client(symbol.selection_span),
        children=[document_symbol(c, positions) for c in symbol.children] or None,
    )


def flat_symbols(uri: str, symbols: list[Any], positions: TextPositions, container: str | None = None) -> Any:
    """Symbols as SymbolInformation (clients without hierarchical document symbols)."""
    for s in symbols:
        yield types.SymbolInformation(name=s.name or "(unnamed)", kind=symbol_kind(s.kind), location=location(uri, s.selection_span, positions),
                                      container_name=container)
        yield from flat_symbols(uri, s.children, positions, s.name)


def workspace_symbol(found: Any) -> types.WorkspaceSymbol:
    return types.WorkspaceSymbol(name=found.name, kind=symbol_kind(found.symbol.kind), location=types.Location(uri=found.uri, range=found.range),
                                 container_name=found.symbol.container or None)


_COMPLETION_KINDS = {
    "reference": types.CompletionItemKind.Reference,
    "enum_member": types.CompletionItemKind.EnumMember,
    "operator": types.CompletionItemKind.Operator,
}


def completion_list(result: Any, positions: TextPositions, markdown: bool) -> types.CompletionList:
    rng = positions.span_to_client(result.replace_span)
    items = [
        types.CompletionItem(
            label=c.label,
            kind=_COMPLETION_KINDS.get(c.kind, types.CompletionItemKind.Value),
            detail=c.detail or None,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=c.documentation) if c.documentation and markdown
            else (c.documentation or None),
            text_edit=types.TextEdit(range=rng, new_text=c.insert_text),
            filter_text=c.insert_text,
            sort_text=f"{i:05d}",
        )
        for i, c in enumerate(result.items)
    ]
    return types.CompletionList(is_incomplete=result.is_incomplete, items=items)


def inlay_hint(position: types.Position, label: str, tooltip: str | None, kind: types.InlayHintKind | None = None) -> types.InlayHint:
    return types.InlayHint(position=position, label=label, kind=kind, tooltip=tooltip or None, padding_left=True)


def workspace_edit(uri: str, version: int | None, edits: list[types.TextEdit], versioned: bool) -> types.WorkspaceEdit:
    """Versioned edits where the client supports them: a fix for an old version is refused, not misapplied."""
    if versioned and version is not None:
        return types.WorkspaceEdit(document_changes=[
            types.TextDocumentEdit(text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=edits)])
    return types.WorkspaceEdit(changes={uri: edits})


def create_file_edit(uri: str, text: str) -> types.WorkspaceEdit:
    """A new file with `text` (CreateFile that never overwrites, then one insert)."""
    return types.WorkspaceEdit(document_changes=[
        types.CreateFile(uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False)),
        types.TextDocumentEdit(text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                               edits=[types.TextEdit(range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)), new_text=text)]),
    ])


def quick_fix(title: str, diag: types.Diagnostic, edit: types.WorkspaceEdit, preferred: bool) -> types.CodeAction:
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diag], is_preferred=preferred or None, edit=edit)


def command_action(title: str, kind: str, command: str, command_title: str, argument: Any) -> types.CodeAction:
    """A code action that runs one of the server's commands."""
    return types.CodeAction(title=title, kind=kind, command=types.Command(title=command_title, command=command, arguments=[argument]))
