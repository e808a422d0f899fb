"""Inlay hints: confidence scores shown where they apply.

`confidence 0.87` after the `anrf_id` value when `metadata.confidence_score`
holds a score, and after a semantic or execution node's `node_id` value when
`metadata["confidence.<node_id>"]` does (the conventions of `confidence`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..format.document import Document
from . import confidence
from .fields import EXEC_NODE, SEMANTIC_NODE
from .index import IdIndex, build_index


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
