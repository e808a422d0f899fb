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
from .intent_links import Link, summary


@dataclass(frozen=True, slots=True)
class InlayHint:
    offset: int  # where the hint goes (just after a value); pad it on the left
    label: str  # e.g. "confidence 0.87"
    tooltip: str = ""


def inlay_hints(doc: Document, start: int, end: int, index: IdIndex | None = None) -> list[InlayHint]:
    """Hints whose offset lies in [start, end), in document order."""
    index = index or build_index(doc)
    placed: list[tuple[int, float, str]] = []
    score = confidence.document_score(index.tree)
    anrf_id = index.landmarks.get("anrf_id")
    if score is not None and anrf_id is not None:
        placed.append((anrf_id.end, score, f"Document confidence: {confidence.MEANING}."))
    for node_id, score in confidence.node_scores(index.tree).items():
        for scope in (SEMANTIC_NODE, EXEC_NODE):
            for defn in index.definitions_of(scope, node_id):
                placed.append((defn.span.end, score, f"Confidence of `{node_id}`: {confidence.NODE_MEANING}."))
    return sorted(
        (InlayHint(offset, f"confidence {confidence.render(score)}", tip) for offset, score, tip in placed if start <= offset < end),
        key=lambda hint: hint.offset,
    )


def intent_comment_hints(text: str, linked: list[tuple[Intent, Link]], start: int, end: int) -> list[InlayHint]:
    """At the end of each generated intent comment's first line: `→ anrf/name.anrf.json · confidence 0.87 · 0 errors`."""
    hints = []
    for intent, link in linked:
        offset = line_end(text, intent.start)
        if start <= offset <= end:
            score = "no confidence (uncalibrated generator)" if link.confidence is None else f"confidence {confidence.render(link.confidence)}: {confidence.MEANING}"
            hints.append(InlayHint(offset, summary(link), f"Generated {link.file_uri}; {score}; {link.errors} error(s), {link.warnings} warning(s)."))
    return hints
