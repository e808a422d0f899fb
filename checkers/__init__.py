"""Rule-based checkers: every check in the catalog (docs/checks.md), run over one `Document`.

`check_document` is the one entry point the CLI, the language server and the
service call. Each module below owns one group of codes and exposes
`check(ctx) -> Iterable[Finding]`.
"""

from __future__ import annotations

from collections.abc import Iterable

from anrf_lsp.format.document import Document, gc_paused, load_document, load_file
from anrf_lsp.format.findings import CATALOG, Check, Finding
from anrf_lsp.format.jsonsource import path_from_pointer

from .context import CheckContext

__all__ = ["CATALOG", "CheckContext", "Finding", "catalog", "check_document", "check_file", "check_text"]


def _groups():
    # Imported lazily so `import checkers` stays cheap for the language server's start-up.
    from . import crosslayer, examples, intent, structure, types

    return (structure, types, crosslayer, intent, examples)


def catalog() -> dict[str, Check]:
    """Every check code (each defined beside its rule), in code order."""
    _groups()
    return dict(sorted(CATALOG.items()))


def check_document(doc: Document) -> list[Finding]:
    """All findings for `doc`, sorted by position. Never raises on document content."""
    findings = list(doc.findings)
    if doc.model is not None and doc.syntax_ok:
        ctx = CheckContext(doc)
        with gc_paused():
            for group in _groups():
                findings.extend(_keep(doc, group.check(ctx)))
    findings.sort(key=Finding.sort_key)
    return findings


def _keep(doc: Document, found: Iterable[Finding]) -> Iterable[Finding]:
    """Drop findings about values that were already reported as schema errors and pruned."""
    if not doc.pruned:
        yield from found
        return
    for f in found:
        path = path_from_pointer(f.pointer)
        if any(path[: len(p)] == p for p in doc.pruned):
            continue
        yield f


def check_text(data: bytes | str, path: str = "<memory>") -> list[Finding]:
    """Load and check in one collector pause (see `gc_paused`)."""
    with gc_paused():
        return check_document(load_document(data, path))


def check_file(path: str, max_bytes: int | None = None) -> list[Finding]:
    with gc_paused():
        doc = load_file(path) if max_bytes is None else load_file(path, max_bytes=max_bytes)
        return check_document(doc)
