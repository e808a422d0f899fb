"""Inlay hints: confidence scores shown where they apply.

`confidence 0.87` after the `anrf_id` value when `metadata.confidence_score`
holds a score, and after a semantic or execution node's `node_id` value when
`metadata["confidence.<node_id>"]` does (the conventions of `confidence`).
In other documents, an intent comment that was generated gets the result (file,
confidence, error count) at the end of its first line.
"""

from __future__ import annotations

from dataclasses import dataclass

from anrf_lsp.format import confidence

from ..format.document import Document
from .fields import EXEC_NODE, SEMANTIC_NODE
from .index import IdIndex, build_index
from .intent_comments import Intent, line_end
from .intent_links import Decline, Link, summary


@dataclass(frozen=True, slots=True)
class InlayHint:
    offset: int  # where the hint goes (just after a value); pad it on the left
    label: str  # e.g. "confidence 0.87"
    tooltip: str = ""


def inlay_hints(doc: Document, start: int, end: int, index: IdIndex | None = None) -> list[InlayHint]:
    """Hints whose offset lies in [start, end), in document order. A best guess written although
    declined says so beside its score."""
    index = index or build_index(doc)
    placed: list[tuple[int, str, str]] = []
    score = confidence.document_score(index.tree)
    anrf_id = index.landmarks.get("anrf_id")
    if score is not None and anrf_id is not None:
        declined = confidence.not_accepted(index.tree)
        label = f"confidence {confidence.render(score)}" + (", not accepted" if declined else "")
        tip = f"Document confidence: {confidence.MEANING}." + (f" Not accepted, written anyway: {declined}." if declined else "")
        placed.append((anrf_id.end, label, tip))
    for node_id, score in confidence.node_scores(index.tree).items():
        for scope in (SEMANTIC_NODE, EXEC_NODE):
            for defn in index.definitions_of(scope, node_id):
                placed.append((defn.span.end, f"confidence {confidence.render(score)}", f"Confidence of `{node_id}`: {confidence.NODE_MEANING}."))
    return sorted((InlayHint(offset, label, tip) for offset, label, tip in placed if start <= offset < end), key=lambda hint: hint.offset)


def intent_comment_hints(text: str, linked: list[tuple[Intent, Link | Decline]], start: int, end: int) -> list[InlayHint]:
    """At the end of each intent comment's first line: `→ anrf/name.anrf.json · confidence 0.87 · 0 errors`
    once generated, `ANRF declined: low confidence 0.31 …` when it was declined."""
    hints = []
    for intent, link in linked:
        offset = line_end(text, intent.start)
        if not start <= offset <= end:
            continue
        if isinstance(link, Decline):
            action = " “Generate anyway” writes the best guess, marked as not accepted." if link.can_force else ""
            hints.append(InlayHint(offset, f"ANRF declined: {link.short()}", f"Nothing was written: {link.reason}.{action}"))
            continue
        score = "no confidence (uncalibrated generator)" if link.confidence is None else f"confidence {confidence.render(link.confidence)}: {confidence.MEANING}"
        verdict = f" Not accepted, written anyway: {link.not_accepted}." if link.not_accepted else ""
        hints.append(InlayHint(offset, summary(link), f"Generated {link.file_uri}; {score}; {link.errors} error(s), {link.warnings} warning(s).{verdict}"))
    return hints
