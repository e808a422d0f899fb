"""Example checks, ANRF404-405: does the program pass the examples its request stated?

The request's input/output examples (`f([1, 2, 3]) == 6`, doctests, `Examples:` blocks; see
anrf_lsp/intent/examples.py) are kept in `intent.properties["examples"]` as a JSON list. Each is
run through the interpreter with small limits; a program that fails one is an error (ANRF404), so
a generated candidate failing its user's example is never accepted, and an edit that breaks one is
reported live. An example that cannot be read is a warning (ANRF405), never a crash.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any

from anrf_lsp.execution.interpreter import AnrfRuntimeError, Interpreter, Limits
from anrf_lsp.execution.ops import json_equal, json_repr
from anrf_lsp.format.examples import EXAMPLES_PROPERTY, Example, from_property, read_property
from anrf_lsp.format.findings import Finding, define

from .context import CheckContext

define("ANRF404", "error", "program fails an example of its intent", "intent", """
`intent.properties.examples` holds the input/output examples the request stated (a JSON list of `{"text", "function", "args", "expected"}`; `anrf generate` writes it from examples in the request text: `f([1, 2, 3]) == 6`, `f(x) -> y`, `e.g. [1, 2, 3] gives 6`, doctest `>>>` lines, an `Examples:` block). Each example is run with the interpreter (10,000 steps): on the function it names when the document has one, else on the document's first function. Reported at the examples property when the result differs or the run fails; `data` has `example`, `function`, `args`, `expected` and `got` (or `error`). A generated candidate with this error is never accepted.

Failing (the program sums, the example wants the product):

```json
"properties": {"examples": "[{\\"text\\": \\"f([2, 3]) == 6\\", \\"args\\": [[2, 3]], \\"expected\\": 6}]"}
```

→ `example f([2, 3]) == 6 fails: sum([2, 3]) returned 5`.

Passing: `[{"text": "f([2, 3]) == 5", "args": [[2, 3]], "expected": 5}]`.
""")

define("ANRF405", "warning", "example cannot be read", "intent", """
An example in `intent.properties.examples` that cannot be run: the property is not a JSON list of `{args, expected}` objects, or an example of the request could not be read (`error` says why, e.g. `f([1, 2) == 6`: the call's brackets do not match), or it names no function the document has and there is none to run. Reported at the examples property.

Failing:

```json
"properties": {"examples": "[{\\"text\\": \\"f([1, 2) == 6\\", \\"error\\": \\"the call's brackets do not match\\"}]"}
```

Passing: an example with `args` and `expected`, or no `examples` property.
""")

EXAMPLE_LIMITS = Limits(max_steps=10_000, max_call_depth=50)


def check(ctx: CheckContext) -> Iterable[Finding]:
    text = (ctx.model.intent.properties or {}).get(EXAMPLES_PROPERTY)
    if not isinstance(text, str) or not text.strip():
        return
    path = ("intent", "properties", EXAMPLES_PROPERTY)
    try:
        examples, unreadable = read_property(text)
    except ValueError as exc:
        yield ctx.finding("ANRF405", path, f"the examples cannot be read: {exc}")
        return
    for example_text, error in unreadable:
        yield ctx.finding("ANRF405", path, f"example {example_text[:80]!r} cannot be read: {error}", data={"example": example_text, "error": error})
    if not ctx.is_graph:
        return
    for example, name, got, error in _outcomes(ctx, examples):
        if name is None:
            yield ctx.finding("ANRF405", path, f"example {example.text[:80]!r} has no function to run")
            continue
        call = f"{name}({', '.join(json_repr(a) for a in example.args)})"
        data: dict[str, Any] = {"example": example.text, "function": name, "args": example.args, "expected": example.expected}
        if error is not None:
            yield ctx.finding("ANRF404", path, f"example {example.text[:80]} fails: {call} failed: {error}", data={**data, "error": error})
        elif not json_equal(got, example.expected):
            yield ctx.finding("ANRF404", path, f"example {example.text[:80]} fails: {call} returned {json_repr(got)}, "
                              f"not {json_repr(example.expected)}", data={**data, "got": got})


def _outcomes(ctx: CheckContext, examples: list[Example]) -> Iterator[tuple[Example, str | None, Any, str | None]]:
    """(example, function it runs or None, result, error) per example, run on the document's graph."""
    for example in examples:
        name = _function(ctx.graph, example.function)
        got, error = _run(ctx, name, example.args) if name is not None else (None, "no function to run")
        yield example, name, got, error


def _function(graph: Any, named: str | None) -> str | None:
    """The function an example runs: the one it names when the document has it, else the first."""
    if named in graph.functions:
        return named
    return graph.entries[0].name if graph.entries else None


def _run(ctx: CheckContext, name: str, args: list[Any]) -> tuple[Any, str | None]:
    try:
        return Interpreter(ctx.model, EXAMPLE_LIMITS, graph=ctx.graph).run(name, copy.deepcopy(args)), None
    except AnrfRuntimeError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - never let document content crash the checker
        return None, f"{type(exc).__name__}: {exc}"


def example_results(ctx: CheckContext) -> list[tuple[str, bool]]:
    """(example text, passes) per runnable example: what hover shows."""
    text = (ctx.model.intent.properties or {}).get(EXAMPLES_PROPERTY)
    if not isinstance(text, str) or not ctx.is_graph:
        return []
    try:
        examples = from_property(text)
    except ValueError:
        return []
    return [(example.text, error is None and json_equal(got, example.expected)) for example, _, got, error in _outcomes(ctx, examples)]
