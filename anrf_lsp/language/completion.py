"""Completion of ids and enum values, while the document is being typed.

What to offer comes from the field under the cursor (`fields.shape_at`): a
reference field offers the ids of the scope it names (with their operation or
label as detail), an enum field its values (operations from the op table). The
cursor may be inside a string, closed or not (`"inputs": ["exec_n` with the rest
of the file missing), or where a value is still missing (`"inputs": [|]`); then
the candidates are inserted as quoted JSON strings.

A scope of more than `MAX_ITEMS` ids is cut to the ids containing what was typed
(at most `MAX_ITEMS`), and the result says it is incomplete so the client asks
again as the user types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import islice
from json.decoder import scanstring

from ..format.document import Document, gc_paused
from ..format.jsonsource import Path, Span
from .describe import summary
from .fields import Choice, Refers, shape_at
from .index import IdIndex, value_at

MAX_ITEMS = 500


@dataclass(frozen=True, slots=True)
class CompletionCandidate:
    label: str  # the id or value
    insert_text: str  # what replaces `replace_span`: the bare text inside a string, a quoted string elsewhere
    kind: str  # "reference" (an id), "enum_member" (an enum value) or "operator" (an operation)
    detail: str = ""  # e.g. the node's operation or label
    documentation: str = ""  # Markdown, for operations


@dataclass(frozen=True, slots=True)
class CompletionList:
    replace_span: Span  # the string content being typed (empty at a missing value)
    items: list[CompletionCandidate]
    is_incomplete: bool = False  # cut to MAX_ITEMS: ask again as the user types


def completions(doc: Document, index: IdIndex, offset: int) -> CompletionList | None:
    """Candidates for the value at `offset`, or None when the cursor is not on a completable value."""
    found = _string_at(doc.text, index, offset) or _missing_value_at(doc.text, index, offset)
    if found is None:
        return None
    path, replace, quoted = found
    shape = shape_at(path)
    typed = doc.text[replace.start : offset].lower() if not quoted else ""
    if isinstance(shape, Refers):
        ids = index.ids(shape.scope)
        chosen = ids if len(ids) <= MAX_ITEMS else {id_: d for id_, d in ids.items() if typed in id_.lower()}
        with gc_paused():
            items = [
                CompletionCandidate(id_, _insert(id_, quoted), "reference", summary(d)) for id_, d in islice(chosen.items(), MAX_ITEMS)
            ]
        return CompletionList(replace, items, len(ids) > MAX_ITEMS)
    if isinstance(shape, Choice):
        kind = "operator" if shape.describe is not None else "enum_member"
        items = [CompletionCandidate(v, _insert(v, quoted), kind, *(shape.describe(v) if shape.describe else ())) for v in shape.values]
        return CompletionList(replace, items)
    return None


def _insert(value: str, quoted: bool) -> str:
    return json.dumps(value, ensure_ascii=False) if quoted else json.dumps(value, ensure_ascii=False)[1:-1]


def _string_at(text: str, index: IdIndex, offset: int) -> tuple[Path, Span, bool] | None:
    """(path, content span, False) of the string value the cursor is inside. The
    offset just past an unterminated string (end of line or file) counts as inside."""
    for probe in (offset, offset - 1):
        path, on_key = index.path_at(probe)
        member = index.locator.member(path) if path and not on_key else None
        if member is None or not isinstance(value_at(index.tree, path), str):
            continue
        span = member.value_span
        end = span.end - 1 if _closed(text, span) else span.end
        if span.start < offset <= end:
            return path, Span(span.start + 1, end), False
    return None


def _closed(text: str, span: Span) -> bool:
    """Whether the string literal at `span` has its closing quote."""
    if span.end - span.start < 2:
        return False
    try:
        return scanstring(text, span.start + 1, False)[1] == span.end
    except ValueError:
        return False


def _missing_value_at(text: str, index: IdIndex, offset: int) -> tuple[Path, Span, bool] | None:
    """(path, empty span, True) where a value is still to be typed: inside an array
    (`"inputs": [|]`), or between a key and its missing value (`"operation": |`).
    As for strings, the offset just past an array left open at the end counts as inside."""
    for probe in (offset, offset - 1):
        path, on_key = index.path_at(probe)
        value = value_at(index.tree, path)
        member = index.locator.member(path) if path and not on_key else None
        if member is None:
            continue
        span = member.value_span
        inside = span.start < offset < span.end or (span.end == offset and not text.startswith("]", offset - 1))
        if isinstance(value, list) and inside and _between_elements(text, offset):
            return path + (len(value),), Span(offset, offset), True  # a new element (its shape is what counts)
        if value is None and span.start == span.end:  # the recovered placeholder of a missing value
            return path, Span(offset, offset), True
        if isinstance(value, dict):
            for key in value:
                slot = index.locator.member(path + (key,))
                if (
                    slot is not None
                    and slot.key_span is not None
                    and slot.key_span.end <= offset <= slot.value_span.start == slot.value_span.end
                ):
                    return path + (key,), Span(offset, offset), True
    return None


def _between_elements(text: str, offset: int) -> bool:
    """Whether `offset` is an empty slot of an array: after '[' or ',' and before ']', ',' or the end."""
    before = offset - 1
    while before >= 0 and text[before] in " \t\r\n":
        before -= 1
    after = offset
    while after < len(text) and text[after] in " \t\r\n":
        after += 1
    return before >= 0 and text[before] in "[," and (after == len(text) or text[after] in ",]")
