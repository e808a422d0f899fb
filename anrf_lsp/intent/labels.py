"""Label spaces of the intent model and the two directions between character spans and
per-token BIO tags. Shared by training (torch) and the runtime (numpy), so no heavy imports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import get_args

from anrf_lsp.intent.schema import UNKNOWN_OPERATION, EntityLabel, IntentType

INTENT_TYPES: tuple[str, ...] = get_args(IntentType)
ENTITY_LABELS: tuple[str, ...] = get_args(EntityLabel)
TAGS: tuple[str, ...] = ("O", *(f"{p}-{label}" for label in ENTITY_LABELS for p in ("B", "I")))  # = tag_names(ENTITY_LABELS)
IGNORE = -100  # tag id of special tokens (the loss skips them)

Span = tuple[str, int, int]  # (label, start, end): character offsets, end exclusive
Offsets = Sequence[tuple[int, int]]


def operation_labels(keys: Iterable[str]) -> tuple[str, ...]:
    """`unknown` first, then the behaviour keys sorted: stable ids for a given catalog."""
    return (UNKNOWN_OPERATION, *sorted(set(keys) - {UNKNOWN_OPERATION}))


def is_special(offset: tuple[int, int]) -> bool:
    """[CLS]/[SEP]/padding: the tokenizer gives them the empty span (0, 0)."""
    return offset[0] == offset[1]


def tag_names(entity_labels: Sequence[str]) -> tuple[str, ...]:
    """The BIO tag names of a label space (`TAGS` for the schema's own entity labels)."""
    return ("O", *(f"{p}-{label}" for label in entity_labels for p in ("B", "I")))


def tags_for_tokens(offsets: Offsets, spans: Iterable[Span], tags_space: Sequence[str] = TAGS) -> list[int]:
    """Tag id per token: B- on the first token inside an entity, I- on the rest, O outside,
    IGNORE on special tokens. A token belongs to an entity when it starts inside it."""
    ordered = sorted(spans, key=lambda s: s[1])
    tags: list[int] = []
    current = None  # the span the previous token was in
    for offset in offsets:
        if is_special(offset):
            tags.append(IGNORE)
            current = None
            continue
        span = next((s for s in ordered if s[1] <= offset[0] < s[2]), None)
        if span is None:
            tags.append(0)
        else:
            tags.append(tags_space.index(f"{'I' if span is current else 'B'}-{span[0]}"))
        current = span
    return tags


def spans_from_tags(tags: Sequence[str], offsets: Offsets) -> list[Span]:
    """Character spans from predicted tag names. Lenient like seqeval's default: an I- that does
    not continue a span of its label starts one. Special tokens break spans."""
    spans: list[Span] = []
    label, start, end = None, 0, 0
    for tag, offset in zip(tags, offsets, strict=True):
        continues = label is not None and tag == f"I-{label}" and not is_special(offset)
        if continues:
            end = offset[1]
            continue
        if label is not None:
            spans.append((label, start, end))
            label = None
        if tag != "O" and not is_special(offset):
            label, start, end = tag[2:], offset[0], offset[1]
    if label is not None:
        spans.append((label, start, end))
    return spans
