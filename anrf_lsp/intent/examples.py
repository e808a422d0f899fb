"""Input/output examples a request states, read as test cases for the program it asks for.

A user who writes `f([1, 2, 3]) == 6`, `f([1, 2, 3]) -> 6`, `e.g. [1, 2, 3] gives 6`, a doctest
(`>>> f([1, 2, 3])` then `6`) or an `Examples:` block has told us what right means; every generated
candidate runs on these, and a document keeps them in `intent.properties["examples"]` (a JSON
list, EXAMPLES_PROPERTY) so the checker (ANRF404/405) keeps testing the program after edits.

Values are Python or JSON literals (`ast.literal_eval`, with `true`/`false`/`null`); an example
whose values cannot be read is kept as a problem with its text, never a crash.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import Any

from anrf_lsp.format.examples import EXAMPLES_PROPERTY, MAX_EXAMPLES, Example

__all__ = ["EXAMPLES_PROPERTY", "Example", "Examples", "Unreadable", "intent_examples", "literal", "parse_examples"]

MAX_TEXT = 20_000  # characters of a request searched for examples
_ARROW = r"(?:==|->|=>|→|\bgives\b|\breturns\b|\bshould return\b|\bshould give\b|\bis\b|\byields\b)"
_CALL_START = re.compile(r"(?<![\w.])(?P<fn>[A-Za-z_]\w*)\s*\(")
_ARROW_AT = re.compile(rf"\s*{_ARROW}\s*")
_STRONG_ARROW = re.compile(r"==|->|=>|→")
_EG = re.compile(r"(?:\be\.g\.,?|\bfor example,?|\bfor instance,?|\bexample:)\s*", re.IGNORECASE)
_DOCTEST = re.compile(r"^\s*(?:[#/*-]+\s*)?>>>\s*(?P<call>.+?)\s*$")
_EXAMPLES_HEADER = re.compile(r"^\s*(?:[#/*-]+\s*)?examples?\s*:\s*$", re.IGNORECASE)
_JSON_WORDS = re.compile(r"\b(true|false|null)\b")
_WORD_VALUE = {"true": "True", "false": "False", "null": "None"}


@dataclass(frozen=True)
class Unreadable:
    """An example-like statement whose values cannot be read."""

    text: str
    reason: str


@dataclass
class Examples:
    found: list[Example] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)


def literal(text: str) -> Any:
    """A Python or JSON literal (raises ValueError)."""
    source = _JSON_WORDS.sub(lambda m: _WORD_VALUE[m.group(1)], text.strip())
    if not source or len(source) > 5_000:
        raise ValueError("no value" if not source else "value too long")
    try:
        value = ast.literal_eval(source)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        raise ValueError(f"{source[:40]!r} is not a literal value") from exc
    if isinstance(value, (set, frozenset, bytes, complex)):
        raise ValueError(f"{type(value).__name__} values are not supported")  # noqa: TRY004 - callers catch one error type
    json.dumps(value)  # a value the document can hold (tuples become lists)
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _balanced(text: str, start: int) -> int | None:
    """Index just past the bracket closing the one at text[start], strings respected; None if unclosed."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack, i, quote = [], start, None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in pairs:
            stack.append(pairs[ch])
        elif ch in ")]}":
            if not stack or stack.pop() != ch:
                return None
            if not stack:
                return i + 1
        i += 1
    return None


def _value_at(text: str, start: int) -> tuple[Any, int] | None:
    """The longest literal starting at text[start] on its line, and where it ends."""
    end_of_line = text.find("\n", start)
    line = text[start : end_of_line if end_of_line >= 0 else len(text)]
    if line[:1] in "([{":
        end = _balanced(line, 0)
        cuts = [end] if end else []
    else:
        cuts = sorted({m.start() for m in re.finditer(r"[\s,;.)]|$", line)} | {len(line)}, reverse=True)
    for cut in cuts:
        piece = line[:cut].rstrip(" .,;:")
        if not piece:
            continue
        try:
            return literal(piece), start + len(piece)
        except ValueError:
            continue
    return None


def _args(inside: str) -> list[Any]:
    value = literal(f"({inside},)") if inside.strip() else []
    return list(value)


def parse_examples(text: str) -> Examples:
    """Every example `text` states, in order (at most MAX_EXAMPLES), and those it could not read."""
    text = text[:MAX_TEXT]
    out = Examples()
    taken: list[tuple[int, int]] = []
    lines = text.split("\n")
    offset = 0
    for n, line in enumerate(lines):  # doctests: `>>> f(x)` and the next line is the result
        m = _DOCTEST.match(line)
        if m and n + 1 < len(lines):
            result = re.sub(r"^\s*(?:[#/*-]+\s*)?", "", lines[n + 1]).strip()
            _add_call(out, m.group("call") + " == " + result, f"{line.strip()} / {result}")
            taken.append((offset, offset + len(line) + 1 + len(lines[n + 1])))
        offset += len(line) + 1
    for m in _CALL_START.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        line_end = text.find("\n", m.start())
        line = text[m.start() : line_end if line_end >= 0 else len(text)]
        close = _balanced(text, m.end() - 1)
        if close is None:
            if _STRONG_ARROW.search(line):
                out.unreadable.append(Unreadable(line.strip(), "the call's brackets do not match"))
            continue
        arrow = _ARROW_AT.match(text, close)
        if arrow is None:
            continue
        value = _value_at(text, arrow.end())
        if value is None:
            if _STRONG_ARROW.fullmatch(arrow.group(0).strip()):  # "f(x) is the sum" is prose, "f(x) == six" a broken example
                out.unreadable.append(Unreadable(line.strip(), "the expected value is not a literal"))
            taken.append((m.start(), close))
            continue
        expected, end = value
        try:
            out.found.append(Example(text[m.start() : end].strip(), _args(text[m.end() : close - 1]), expected, m.group("fn")))
        except ValueError as exc:
            out.unreadable.append(Unreadable(text[m.start() : end].strip(), f"the arguments are not literals ({exc})"))
        taken.append((m.start(), end))
    for m in _EG.finditer(text):
        value = _value_at(text, m.end())
        if value is None:
            continue
        given, end = value
        arrow = _ARROW_AT.match(text, end)
        if arrow is None:
            continue
        result = _value_at(text, arrow.end())
        if result is None:
            out.unreadable.append(Unreadable(text[m.start() : arrow.end() + 20].strip(), "the expected value is not a literal"))
            continue
        args = given if isinstance(given, list) and text[m.end()] == "(" else [given]
        out.found.append(Example(text[m.end() : result[1]].strip(), args, result[0]))
    _block_examples(text, out)
    out.found = out.found[:MAX_EXAMPLES]
    return out


def _block_examples(text: str, out: Examples) -> None:
    """`Examples:` then one `input -> output` per line (a call form on such a line was read above)."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if not _EXAMPLES_HEADER.match(line):
            continue
        for item in lines[n + 1 :]:
            body = re.sub(r"^\s*(?:[#/*-]+\s*)?(?:[-*•]\s*)?", "", item).strip()
            if not body:
                break
            if _CALL_START.match(body) or body.startswith(">>>"):
                continue
            parts = re.split(rf"\s*{_ARROW}\s*", body, maxsplit=1)
            if len(parts) != 2:
                break
            try:
                given, expected = literal(parts[0]), literal(parts[1].rstrip(" .,;"))
            except ValueError as exc:
                out.unreadable.append(Unreadable(body, str(exc)))
                continue
            args = given if isinstance(given, list) and parts[0].lstrip().startswith("(") else [given]
            out.found.append(Example(body, args, expected))


def _add_call(out: Examples, source: str, shown: str) -> None:
    m = _CALL_START.match(source.strip())
    if m is None:
        out.unreadable.append(Unreadable(shown, "a doctest line must call the function"))
        return
    source = source.strip()
    close = _balanced(source, m.end() - 1)
    arrow = _ARROW_AT.match(source, close) if close else None
    if close is None or arrow is None:
        out.unreadable.append(Unreadable(shown, "the call is not closed"))
        return
    try:
        out.found.append(Example(shown, _args(source[m.end() : close - 1]), literal(source[arrow.end() :]), m.group("fn")))
    except ValueError as exc:
        out.unreadable.append(Unreadable(shown, str(exc)))


def intent_examples(text: str) -> list[Any]:
    """The examples of a request as the structured intent's `examples` (unreadable ones with their `error`)."""
    from anrf_lsp.intent.schema import IntentExample

    found = parse_examples(text)
    return ([IntentExample(text=e.text, function=e.function, args=e.args, expected=e.expected) for e in found.found]
            + [IntentExample(text=u.text, error=u.reason) for u in found.unreadable])
