"""The `intent.properties["examples"]` property of an ANRF document: the input/output examples
its request stated (read from text by anrf_lsp/intent/examples.py), a JSON list of
`{"text", "function", "args", "expected"}` objects, or `{"text", "error"}` for one that could not
be read. The checker runs them (ANRF404/405)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

EXAMPLES_PROPERTY = "examples"
MAX_EXAMPLES = 20


@dataclass(frozen=True)
class Example:
    """One stated case: `function(*args)` must equal `expected`."""

    text: str
    args: list[Any]
    expected: Any
    function: str | None = None  # the name the example calls, when it calls one


def from_property(text: str) -> list[Example]:
    """The runnable examples of an `intent.properties["examples"]` text (raises ValueError with what is wrong)."""
    return read_property(text)[0]


def read_property(text: str) -> tuple[list[Example], list[tuple[str, str]]]:
    """(runnable examples, (text, error) of each stated example that could not be read) of an
    `intent.properties["examples"]` text; raises ValueError when the text itself is malformed."""
    try:
        items = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(items, list):
        raise ValueError("must be a JSON list of {args, expected} objects")  # noqa: TRY004 - callers catch one error type
    out, unreadable = [], []
    for i, item in enumerate(items[:MAX_EXAMPLES]):
        if isinstance(item, dict) and item.get("error"):
            unreadable.append((str(item.get("text") or ""), str(item["error"])))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("args"), list) or "expected" not in item:
            raise ValueError(f"example {i} must be an object with an `args` list and an `expected` value")
        function = item.get("function")
        out.append(Example(str(item.get("text") or ""), item["args"], item["expected"], function if isinstance(function, str) else None))
    return out, unreadable
