"""Confidence scores stored in a document's `metadata` (a string -> string map).

- `metadata.confidence_score`: the whole document's score.
- `metadata["confidence.<node_id>"]`: one semantic or execution node's score,
  e.g. `"confidence.exec_node_3": "0.41"` (a convention of this project: the
  v1 format has no per-node field, and metadata is its one open map).

The document score is a calibrated probability that the generated program is
correct, estimated on requests like users' (including kinds the models never
saw): it combines how sure the intent model is of its reading of the request,
whether the program agreed with that reading on probe inputs, and the
generator's likelihood. A program the acceptance rule turned down is only written
when the user asks for it anyway; then `metadata.acceptance` is "not accepted"
and `metadata.declined_reason` says why. A node
score is the generator's probability of the least certain token it wrote for
that node; the generator writes it only for nodes below its marking threshold,
so the editor marks where to look first. Scores are read when they are numbers,
or strings holding numbers, between 0 and 1.
"""

from __future__ import annotations

import math
from typing import Any

DOCUMENT_KEY = "confidence_score"
NODE_PREFIX = "confidence."
MEANING = ("calibrated probability that the program is correct, measured on requests like users' (including ones the models never saw): "
           "the intent model's certainty of its reading, whether the program agreed with that reading on probe inputs, and the generator's likelihood")
ACCEPTANCE_KEY, NOT_ACCEPTED, DECLINED_REASON_KEY = "acceptance", "not accepted", "declined_reason"
NODE_MEANING = "the generator's probability of the least certain token it wrote for this node (low values mark where to look first)"


def meaning(key: str) -> str:
    """What the score under metadata `key` means: the document's, or one node's."""
    return MEANING if key == DOCUMENT_KEY else NODE_MEANING


def parse_score(value: Any) -> float | None:
    """The score `value` holds (a number or number-like string in [0, 1]), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, (int, float)) and math.isfinite(value) and 0 <= value <= 1:
        return float(value)
    return None


def metadata(tree: Any) -> dict:
    found = tree.get("metadata") if isinstance(tree, dict) else None
    return found if isinstance(found, dict) else {}


def document_score(tree: Any) -> float | None:
    return parse_score(metadata(tree).get(DOCUMENT_KEY))


def not_accepted(tree: Any) -> str | None:
    """Why a document was written although declined (a best guess the user asked for), or None."""
    meta = metadata(tree)
    if meta.get(ACCEPTANCE_KEY) != NOT_ACCEPTED:
        return None
    reason = meta.get(DECLINED_REASON_KEY)
    return reason if isinstance(reason, str) and reason else "the acceptance rule turned it down"


def node_scores(tree: Any) -> dict[str, float]:
    """node_id -> score, from the `confidence.<node_id>` metadata keys."""
    scores = {}
    for key, value in metadata(tree).items():
        if isinstance(key, str) and key.startswith(NODE_PREFIX):
            score = parse_score(value)
            if score is not None:
                scores[key[len(NODE_PREFIX) :]] = score
    return scores


def render(score: float) -> str:
    return f"{score:.2f}"
