"""Structured intent v2's behaviour: a compositional expression instead of one catalog key.

A behaviour is a tree of typed parts with parameters, e.g. "the product of the positive numbers
in a list" is

    fold(source=items(numbers), select=filter(positive), map=identity, reduce=product)

and "the mean of the numbers greater than a threshold" is the same shape with
`select=filter(gt(param threshold))` and `reduce=mean`. The generator composes a program from the
parts, so a combination no example ever had is still a program it can write; a part the analysis
does not recognise is `unknown`, which generation declines.

`text()` is the canonical one-line form (what "exactly right" compares, and what a prompt shows);
`parse()` reads it back.
"""

from __future__ import annotations

import json
import re
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, Field

UNKNOWN_PART = "unknown"
Scalar = Union[str, int, float, bool, None]  # noqa: UP007 - pydantic needs the runtime Union here


class BehaviourNode(BaseModel):
    """One part: its name (`fold`, `filter`, `gt`, `square`, `sum`, `param`, `unknown`, ...) and its arguments,
    each another part or a literal."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    part: str = Field(description="the part's name, or 'unknown'")
    args: dict[str, Union[BehaviourNode, Scalar]] = Field(default_factory=dict)  # noqa: UP007

    def text(self) -> str:
        """Canonical text: `part(key=value, ...)` with keys in order; a part without arguments is its name."""
        if not self.args:
            return self.part
        inner = ", ".join(f"{k}={_value_text(v)}" for k, v in sorted(self.args.items()))
        return f"{self.part}({inner})"

    def parts(self) -> list[str]:
        """Every part name in the tree, depth first (for "was each part seen in training")."""
        out = [self.part]
        for value in self.args.values():
            if isinstance(value, BehaviourNode):
                out.extend(value.parts())
        return out

    def is_known(self) -> bool:
        return UNKNOWN_PART not in self.parts()

    def __str__(self) -> str:
        return self.text()


def _value_text(value: Any) -> str:
    return value.text() if isinstance(value, BehaviourNode) else json.dumps(value)


_TOKEN = re.compile(r'\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<literal>"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)|(?P<punct>[(),=]))')


def parse(text: str) -> BehaviourNode:
    """The node of a canonical text (raises ValueError on anything else)."""
    tokens = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"unexpected text at {pos}: {text[pos:pos + 20]!r}")
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
    node, end = _parse_node(tokens, 0)
    if end != len(tokens):
        raise ValueError("text after the behaviour")
    return node


def _parse_node(tokens: list[tuple[str, str]], i: int) -> tuple[BehaviourNode, int]:
    if i >= len(tokens) or tokens[i][0] != "name":
        raise ValueError("expected a part name")
    name = tokens[i][1]
    i += 1
    args: dict[str, Any] = {}
    if i < len(tokens) and tokens[i] == ("punct", "("):
        i += 1
        while True:
            if i + 1 >= len(tokens) or tokens[i][0] != "name" or tokens[i + 1] != ("punct", "="):
                raise ValueError("expected key=value")
            key = tokens[i][1]
            i += 2
            if i < len(tokens) and tokens[i][0] == "literal":
                args[key] = json.loads(tokens[i][1])
                i += 1
            else:
                args[key], i = _parse_node(tokens, i)
            if i < len(tokens) and tokens[i] == ("punct", ","):
                i += 1
                continue
            if i < len(tokens) and tokens[i] == ("punct", ")"):
                i += 1
                break
            raise ValueError("expected ',' or ')'")
    return BehaviourNode(part=name, args=args), i


def node(part: str, **args: Any) -> BehaviourNode:
    """Shorthand: node("filter", predicate=node("positive"))."""
    return BehaviourNode(part=part, args=args)
