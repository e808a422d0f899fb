"""Shared pieces of the catalog: `FunctionSpec` (one function: body, reference,
signature), the `function` factory that turns a spec into a `Behaviour`, and
random value generators for test cases.

A function behaviour is written once as a body emitter, `body(f, *params)`, that
adds statements to a `anrf_lsp.program.builder.Function`; modules reuse the same emitters,
so a function in a module is built exactly like the standalone behaviour.
"""

from __future__ import annotations

import copy
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from anrf_lsp.program.builder import Function, Program, split_top_level
from training.behaviour import TYPES, Behaviour, BuildRequest, Case, Param

# key -> spec of every function behaviour (modules build their members from these)
SPECS: dict[str, FunctionSpec] = {}

ArgsGenerator = Callable[[random.Random], list[list[Any]]]


@dataclass(frozen=True)
class FunctionSpec:
    """One function: its default name, signature, ANRF body and Python reference."""

    name: str
    params: tuple[Param, ...]
    returns: str  # a builder type spec: one of TYPES, or "T?" when it may return null
    body: Callable[..., None]  # body(f, *param_refs) emits the statements
    reference: Callable[..., Any]  # reference(*args) -> the expected JSON result
    complexity: str | None = None  # overrides the builder's estimate (while loops)

    def emit(self, program: Program, name: str | None = None, param_names: Sequence[str] = ()) -> Function:
        names = param_names if len(param_names) == len(self.params) and all(param_names) else [p.name for p in self.params]
        f = program.function(name or self.name, [(n, p.type) for n, p in zip(names, self.params)], self.returns, complexity=self.complexity)
        self.body(f, *f.params)
        return f

    def expected(self, args: list[Any]) -> Any:
        return self.reference(*copy.deepcopy(args))  # references must never see (or change) the caller's lists


def params(text: str) -> tuple[Param, ...]:
    """'numbers: list[number], target: int' -> (Param('numbers', 'list[number]'), Param('target', 'int'))."""
    out = []
    for part in filter(None, (p.strip() for p in split_top_level(text))):
        name, _, type_ = part.partition(":")
        if type_.strip() not in TYPES:
            raise ValueError(f"parameter type {type_.strip()!r} is not in behaviour.TYPES")
        out.append(Param(name.strip(), type_.strip()))
    return tuple(out)


def function(
    key: str,
    category: str,
    name: str,
    signature: str,
    returns: str,
    summary: str,
    phrases: Sequence[str],
    body: Callable[..., None],
    reference: Callable[..., Any],
    cases: ArgsGenerator,
    *,
    complexity: str | None = None,
    tags: Sequence[str] = (),
) -> Behaviour:
    """A function behaviour; its spec is registered in SPECS for modules to reuse."""
    spec = FunctionSpec(name, params(signature), returns, body, reference, complexity)
    if key in SPECS:
        raise ValueError(f"duplicate behaviour key {key!r}")
    SPECS[key] = spec
    all_tags = (category, *tags)

    def build(request: BuildRequest) -> dict[str, Any]:
        program = Program(request, "function", tags=all_tags, summary=summary)
        spec.emit(program, request.name, request.param_names)
        return program.build()

    return Behaviour(
        key=key,
        kind="function",
        name=name,
        category=category,
        summary=summary,
        phrases=tuple(phrases),
        params=spec.params,
        return_type=returns.rstrip("?"),
        build=build,
        cases=lambda rng: [Case(name, args) for args in cases(rng)],
        reference=lambda case: spec.expected(case.args),
        tags=all_tags,
    )


# -- random values for test cases -------------------------------------------------------

WORDS = ("apple", "banana", "cherry", "kiwi", "level", "noon", "river", "stone", "sky", "data", "graph",
         "node", "code", "radar", "python", "a", "be", "sea", "orange", "tree")


def ints(rng: random.Random, lo: int = -20, hi: int = 20, size: int | None = None) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(rng.randint(1, 8) if size is None else size)]


def numbers(rng: random.Random, size: int | None = None) -> list[float | int]:
    """A mix of integers and halves/quarters (exact in binary, so sums do not drift)."""
    return [rng.choice((rng.randint(-50, 50), rng.randint(-200, 200) / 4)) for _ in range(rng.randint(1, 8) if size is None else size)]


def words(rng: random.Random, size: int | None = None) -> list[str]:
    return [rng.choice(WORDS) for _ in range(rng.randint(1, 6) if size is None else size)]


def sentence(rng: random.Random) -> str:
    """Words with mixed case and irregular spacing."""
    parts = [rng.choice((w, w.upper(), w.capitalize())) for w in words(rng)]
    return rng.choice((" ", "  ")).join(parts) + rng.choice(("", " "))


def letters(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(string.ascii_letters + " ") for _ in range(size))


def returning(make: Callable[..., Any]) -> Callable[..., None]:
    """A one-expression body: `return make(f, *params)`."""

    def body(f: Function, *args: Any) -> None:
        f.return_(make(f, *args))

    return body
