"""Whether a composed reading accounts for every word of the request.

The fold heads always answer with the nearest parts they know: "the sum of the cubes of the
numbers" comes out as the sum of the squares, with a high joint probability, because `cube` was
never a part in training. What betrays it is the word: "cubes" was seen in training, but only in
requests for named catalog behaviours, never in a composition, so no fold part can stand for it.
Those words (`concept words`, computed from the training split and kept in the model's labels.json)
left in a request outside its entities are what a fold reading leaves unexplained; calibration
weighs them (training/intent_calibration.py) and the refusal names them.

A named reading can leave words out the same way: "sum the squares of the even numbers" read as
the catalog's `sum_even`. Its analogue is `part words` (words of the parts' phrasings, less those
common to many behaviours' requests) that no training request for that operation used: "squares"
for `sum_even`, "start" for `count_words_ending_with` (`unexplained_by_operation`).

Names, literals and constraints are not read as words: they are entity spans, and identifiers
(snake_case, CamelCase, anything with a digit) are names whatever the model tagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:'[a-z]+)?")
_NAME_LIKE = re.compile(r"[_0-9]|[a-z][A-Z]")


def content_words(text: str, spans: Iterable[tuple[int, int]] = ()) -> list[str]:
    """The lower-cased words of `text` outside `spans` (character ranges), identifiers left out, in order."""
    spans = list(spans)
    out = []
    for match in _WORD.finditer(text):
        word = match.group()
        if _NAME_LIKE.search(word) or any(a <= match.start() < b for a, b in spans):
            continue
        out.append(word.lower())
    return out


def uncovered_words(text: str, spans: Iterable[tuple[int, int]], concepts: Iterable[str]) -> list[str]:
    """The words of `text` (outside `spans`) that training saw only in named-behaviour requests, once each, in order."""
    known = concepts if isinstance(concepts, (set, frozenset)) else set(concepts)
    return list(dict.fromkeys(w for w in content_words(text, spans) if w in known))


def unexplained_by_operation(text: str, spans: Iterable[tuple[int, int]], operation: str, coverage: dict) -> list[str]:
    """The part words of `text` that no training request for `operation` used (`coverage` is labels.json's
    `named_coverage`: {"part_words": [...], "operations": {operation: [its part words]}}); [] without one."""
    part_words = set(coverage.get("part_words", ()))
    used = set(coverage.get("operations", {}).get(operation, ()))
    if not part_words or operation not in coverage.get("operations", {}):
        return []
    return list(dict.fromkeys(w for w in content_words(text, spans) if w in part_words and w not in used))


def named_coverage(named_texts: Iterable[tuple[str, str, list[tuple[int, int]]]], phrases: Iterable[str], common_share: float = 0.1) -> dict:
    """labels.json's `named_coverage` from training requests (operation, text, entity spans) and the
    parts' phrasings: the part words (less those in more than `common_share` of the operations' requests,
    which say nothing about which behaviour it is) and, per operation, the part words its requests used."""
    used: dict[str, set[str]] = {}
    for operation, text, spans in named_texts:
        used.setdefault(operation, set()).update(content_words(text, spans))
    share = {w: sum(w in words for words in used.values()) / max(1, len(used)) for w in {w for words in used.values() for w in words}}
    part_words = {w for phrase in phrases for w in content_words(phrase)} - {w for w, f in share.items() if f > common_share}
    return {"part_words": sorted(part_words), "common_share": common_share,
            "operations": {op: sorted(words & part_words) for op, words in sorted(used.items())}}


def concept_words(named_texts: Iterable[tuple[str, list[tuple[int, int]]]], fold_texts: Iterable[tuple[str, list[tuple[int, int]]]]) -> list[str]:
    """Words of training requests for named behaviours that no training composition uses (sorted)."""
    named = {w for text, spans in named_texts for w in content_words(text, spans)}
    folds = {w for text, spans in fold_texts for w in content_words(text, spans)}
    return sorted(named - folds)
