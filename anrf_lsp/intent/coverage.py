"""Whether a composed reading accounts for every word of the request.

The fold heads always answer with the nearest parts they know: "the sum of the cubes of the
numbers" comes out as the sum of the squares, with a high joint probability, because `cube` was
never a part in training. What betrays it is the word: "cubes" was seen in training, but only in
requests for named catalog behaviours, never in a composition, so no fold part can stand for it.
Those words (`concept words`, computed from the training split and kept in the model's labels.json)
left in a request outside its entities are what a fold reading leaves unexplained; calibration
weighs them (training/intent_calibration.py) and the refusal names them.

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


def concept_words(named_texts: Iterable[tuple[str, list[tuple[int, int]]]], fold_texts: Iterable[tuple[str, list[tuple[int, int]]]]) -> list[str]:
    """Words of training requests for named behaviours that no training composition uses (sorted)."""
    named = {w for text, spans in named_texts for w in content_words(text, spans)}
    folds = {w for text, spans in fold_texts for w in content_words(text, spans)}
    return sorted(named - folds)
