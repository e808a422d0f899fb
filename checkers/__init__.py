"""Rule-based checkers: every check in the catalog (docs/checks.md), run over one `Document`.

`check_document` is the one entry point the CLI, the language server and the
service call. Each module below owns one group of codes and exposes
`check(ctx) -> Iterable[Finding]`.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from anrf_lsp.format.document import Document, gc_paused, load_document, load_file
from anrf_lsp.format.findings import CATALOG, MAX_FINDINGS, Check, Finding, define
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


define("ANRF108", "info", "too many findings", "structure", f"""
A document with more than {MAX_FINDINGS} findings lists the first {MAX_FINDINGS} (schema errors first, then each check in catalog order) and this one, at the root. The rest are not computed: a document that is mostly errors would otherwise cost time in proportion to its errors in the editor and the service alike. Fix the listed ones and check again.

Failing: an `intent.constraints` array of {MAX_FINDINGS + 1} numbers (each one an ANRF101).

→ `more than {MAX_FINDINGS} findings: the first {MAX_FINDINGS} are listed; fix them and check again`.

Passing: any document with at most {MAX_FINDINGS} findings.
""")


def check_document(doc: Document) -> list[Finding]:
    """All findings for `doc` (at most MAX_FINDINGS, then ANRF108), sorted by position. Never raises on document content."""
    return check_in_context(doc)[0]


def check_in_context(doc: Document) -> tuple[list[Finding], CheckContext | None]:
    """`check_document`, and the context it checked in (its indexes and graph: incremental checking reuses them)."""
    findings = list(doc.findings)
    ctx = None
    if doc.model is not None and doc.syntax_ok:
        ctx = CheckContext(doc)
        with gc_paused():
            for group in _groups():
                if len(findings) > MAX_FINDINGS:
                    break
                # Checks are generators: stopping at the budget skips the work of the findings not listed.
                findings.extend(islice(_keep(doc, group.check(ctx)), MAX_FINDINGS + 1 - len(findings)))
    if len(findings) > MAX_FINDINGS:
        findings = findings[:MAX_FINDINGS]
        findings.append(doc.finding("ANRF108", (), f"more than {MAX_FINDINGS} findings: the first {MAX_FINDINGS} are listed; "
                                                   "fix them and check again"))
    findings.sort(key=Finding.sort_key)
    return findings, ctx


def _keep(doc: Document, found: Iterable[Finding]) -> Iterable[Finding]:
    """Drop findings about values that were already reported as schema errors and pruned."""
    if not doc.pruned:
        yield from found
        return
    pruned = doc.pruned  # a set: each finding costs its depth, not the number of pruned values (50,000 had taken minutes)
    for f in found:
        path = tuple(path_from_pointer(f.pointer))
        if any(path[:depth] in pruned for depth in range(len(path) + 1)):
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
