"""Names the text states, read exactly, and whether the request changes something that exists.

A model tags NAME spans token by token, and a word-piece boundary inside `multiply_all` cuts it to
`multi`; a user who writes "called multiply_all", "`Stack`", "class Stack", "module geometry" or
"def scale(" has said the name, and it must come out whole. These rules find such statements;
the model's NAME span is only the fallback, widened to the identifier it sits in.
"""

from __future__ import annotations

import re

_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_WORDS = frozenset({"a", "an", "the", "that", "which", "with", "to", "for", "and", "or", "of", "in", "on", "it", "this", "new", "function",
                    "class", "module", "method", "helper", "routine", "called", "named", "returns", "return", "takes"})

# (pattern, kinds it names): most explicit first; group "name" is the name.
_STATED = [
    (re.compile(rf"`(?P<name>{_ID})(?:\(\))?`"), "fcm"),
    (re.compile(rf"\b(?:called|named|name it|call it)\s+[`'\"]?(?P<name>{_ID})"), "fcm"),
    (re.compile(rf"\b(?:def|fn|function|func)\s+(?P<name>{_ID})\s*\("), "f"),
    (re.compile(rf"^\s*(?:[#/*-]+\s*(?:anrf|todo|fixme)?:?\s*)?(?P<name>{_ID})\s*\("), "f"),
    (re.compile(rf"\b(?P<name>{_ID})\s*\("), "f"),
    (re.compile(rf"\bclass\s+(?P<name>[A-Z]{_ID[1:]}|{_ID})"), "c"),
    (re.compile(r"\b(?:the|a|an)\s+(?P<name>[A-Z][A-Za-z0-9]*)\s+class\b"), "c"),
    (re.compile(rf"\bmodule\s+(?P<name>{_ID})"), "m"),
    (re.compile(rf"\b(?:the|a)\s+(?P<name>{_ID})\s+module\b"), "m"),
]
_IDENTIFIER_LIKE = re.compile(r"\b(?P<name>[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+)\b")
_MODIFY = re.compile(
    r"\b(?:add|change|update|extend|modify|fix|refactor|rename|improve|rewrite|edit|adjust|make)\b[^.?!]*?"
    r"\b(?:to|in|of|on)?\s*(?:the|my|our|existing)\s+`?(?P<name>[A-Za-z_]\w*)`?\s+(?P<kind>class|function|method|module|helper|routine)\b",
    re.IGNORECASE,
)
_KIND_LETTER = {"function": "f", "class": "c", "module": "m"}
# `TODO(alice):`, `FIXME(bob)`: the tag and its author decorate the comment; neither is a name or a parameter.
_COMMENT_TAG = re.compile(r"\b(?:TODO|FIXME|XXX|HACK|NOTE|BUG)\b\s*(?:\([^)\n]{0,40}\))?", re.IGNORECASE)


def comment_tag_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of comment tags with their authors (`TODO(alice)`), which no entity may come from."""
    return [m.span() for m in _COMMENT_TAG.finditer(text)]


def stated_name(text: str, kind: str) -> str | None:
    """The name `text` gives a `kind` ("function" | "class" | "module") target, exactly as written; None if it gives none."""
    from anrf_lsp.intent.constraints import parse_constraints

    letter = _KIND_LETTER.get(kind, "f")
    stated = [span for _, span in parse_constraints(text)]  # "in O(n) time" names no function `O`
    stated += comment_tag_spans(text)  # "# TODO(tom): add a helper" names no function `TODO`

    def free(m: re.Match[str]) -> bool:
        return not any(a <= m.start("name") < b for a, b in stated)

    for pattern, kinds in _STATED:
        if letter not in kinds:
            continue
        for m in pattern.finditer(text):
            name = m.group("name")
            if name.lower() not in _WORDS and free(m):
                return name
    for m in _IDENTIFIER_LIKE.finditer(text):
        name = m.group("name")
        if (kind == "class") == name[0].isupper() and free(m):
            return name
    return None


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """A span widened to the whole identifier it cuts into (`multi` in `multiply_all` -> `multiply_all`)."""
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return start, end


def modified_target(text: str) -> tuple[str, str] | None:
    """(kind, name) when the text asks to change an existing function, class or module ("add a method to
    the Inventory class"), else None."""
    m = _MODIFY.search(text)
    if m is None or m.group("name").lower() in _WORDS:
        return None
    word = m.group("kind").lower()
    kind = "class" if word == "class" else "module" if word == "module" else "function"
    if word == "method":  # "update the area method": a function; "add a method to X class" matched class above
        kind = "function"
    return kind, m.group("name")


_DECLARED_KIND = re.compile(r"^\W*(?:create\s+|write\s+|define\s+|new\s+)?(?:a\s+)?(?P<kind>class|module)\s+(?P<name>[A-Za-z_]\w*)", re.IGNORECASE)


def declared_kind(text: str) -> str | None:
    """"class Inventory: ..." / "module geometry: ..." opening a text: that kind, whatever a model says."""
    m = _DECLARED_KIND.match(text)
    return m.group("kind").lower() if m and m.group("name").lower() not in _WORDS else None
