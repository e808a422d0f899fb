"""The compositional behaviour space: every well-typed fold of the parts in parts.py.

A `Spec` is one behaviour: source → select (all | filter | take_while, by a predicate that may be
an atom, `not`, or an `and`/`or` of two atoms) → transform → reducer. From it come

- `tree()`: the structured-intent-v2 behaviour expression (anrf_lsp.intent.behaviour);
- `python()`: the Python function (the importer turns it into ANRF, so the space is built with
  the same code path a user's file takes);
- `reference(args)`: the expected result, the reading evaluated (anrf_lsp/intent/semantics.py), not the code;
- `cases(rng)`: inputs, edge cases first (empty list, empty string, n = 0).

The space is enumerated by index (`count()`, `spec_at(i)`), so a dataset samples it without
materialising hundreds of thousands of specs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from anrf_lsp.intent.behaviour import BehaviourNode, node
from anrf_lsp.intent.semantics import edge_input, evaluate, operand_value, random_input

from .parts import HELD_OUT_PARTS, PREDICATES, REDUCERS, SOURCES, TRANSFORMS, Predicate, Reducer, Source, Transform

PARAM = "<param>"  # an atom's value given as an argument instead of a literal
SELECTS = ("all", "filter", "take_while")


@dataclass(frozen=True)
class Atom:
    predicate: Predicate
    value: Any = None  # a constant, PARAM, or None when the predicate takes no value

    def code(self) -> str:
        if not self.predicate.takes:
            return self.predicate.code
        return self.predicate.code.replace("{v}", self.predicate.param if self.value == PARAM else _literal(self.value))

    def tree(self) -> BehaviourNode:
        if not self.predicate.takes:
            return node(self.predicate.name)
        value = node("param", name=self.predicate.param) if self.value == PARAM else self.value
        return node(self.predicate.name, value=value)


@dataclass(frozen=True)
class Condition:
    """An atom, `not` an atom, or two atoms joined by `and` / `or`."""

    atoms: tuple[Atom, ...]
    connective: str = ""  # "" | "not" | "and" | "or"

    def code(self) -> str:
        if self.connective == "not":
            return f"not ({self.atoms[0].code()})"
        if self.connective:
            return f" {self.connective} ".join(f"({a.code()})" for a in self.atoms)
        return self.atoms[0].code()

    def tree(self) -> BehaviourNode:
        if self.connective == "not":
            return node("not", operand=self.atoms[0].tree())
        if self.connective:
            return node(self.connective, left=self.atoms[0].tree(), right=self.atoms[1].tree())
        return self.atoms[0].tree()

    def param(self) -> Predicate | None:
        return next((a.predicate for a in self.atoms if a.value == PARAM), None)


@dataclass(frozen=True)
class Spec:
    source: Source
    select: str
    condition: Condition | None
    transform: Transform
    reducer: Reducer

    # -- what it is --

    def tree(self) -> BehaviourNode:
        select = node("all") if self.condition is None else node(self.select, predicate=self.condition.tree())
        return node("fold", source=node(self.source.name), select=select, map=node(self.transform.name), reduce=node(self.reducer.name))

    def key(self) -> str:
        return self.tree().text()

    def parts(self) -> set[str]:
        return set(self.tree().parts())

    def held_out_family(self) -> bool:
        return bool(self.parts() & HELD_OUT_PARTS)

    def shape(self) -> str:
        """The combination without its constants: held-out combinations are chosen by shape."""
        atoms = self.condition.atoms if self.condition else ()
        names = "+".join(f"{a.predicate.name}{'$' if a.value == PARAM else ''}" for a in atoms)
        connective = self.condition.connective if self.condition else ""
        return f"{self.source.name}|{self.select}|{connective}|{names}|{self.transform.name}|{self.reducer.name}"

    def value_param(self) -> Predicate | None:
        return self.condition.param() if self.condition else None

    def name(self) -> str:
        """A default function name from the parts: `sum_square_positive_numbers`."""
        words = [self.reducer.name]
        if self.transform.name != "identity":
            words.append(self.transform.name)
        if self.condition is not None:
            words.extend(a.predicate.name for a in self.condition.atoms)
        words.append(self.source.name)
        return "_".join(words)

    def signature(self) -> list[tuple[str, str]]:
        out = [(self.source.param, self.source.param_type)]
        pred = self.value_param()
        if pred is not None:
            out.append((pred.param, {"num": "float", "int": "int", "str": "str"}[pred.takes]))
        return out

    def returns(self) -> str:
        return self.reducer.returns(self.transform.gives)

    # -- the reference --

    def reference(self, args: list[Any]) -> Any:
        return evaluate(self.tree(), args)

    # -- the program --

    def python(self, name: str | None = None, summary: str = "") -> str:
        params = ", ".join(f"{n}: {t}" for n, t in self.signature())
        lines = [f"def {name or self.name()}({params}) -> {self.returns()}:"]
        if summary:
            lines.append(f'    """{summary}"""')
        r = self.reducer
        init, update, final = _REDUCER_CODE[r.name]
        value = self.transform.code
        lines.extend("    " + line for line in init)
        loop = f"for i, x in enumerate({self.source.iterate}):" if r.needs_index else f"for x in {self.source.iterate}:"
        lines.append("    " + loop)
        body = [line.replace("{v}", value) for line in update]
        if self.condition is None:
            lines.extend("        " + line for line in body)
        elif self.select == "take_while":
            lines.extend(["        if not (" + self.condition.code() + "):", "            break"])
            lines.extend("        " + line for line in body)
        else:
            lines.append(f"        if {self.condition.code()}:")
            lines.extend("            " + line for line in body)
        lines.extend("    " + line for line in final)
        return "\n".join(lines) + "\n"

    def cases(self, rng: random.Random) -> list[list[Any]]:
        source = [edge_input(self.source.param_type)] + [random_input(self.source.param_type, rng) for _ in range(7)]
        pred = self.value_param()
        if pred is None:
            return [[s] for s in source]
        return [[s, operand_value(pred.takes, rng, pred.constants)] for s in source]


# init lines, loop-body lines ({v}: the transformed element), lines after the loop
_REDUCER_CODE: dict[str, tuple[list[str], list[str], list[str]]] = {
    "sum": (["total = 0"], ["total += {v}"], ["return total"]),
    "product": (["result = 1"], ["result *= {v}"], ["return result"]),
    "count": (["count = 0"], ["count += 1"], ["return count"]),
    "mean": (["total = 0", "count = 0"], ["total += {v}", "count += 1"], ["if count == 0:", "    return None", "return total / count"]),
    "max": (["best = None"], ["value = {v}", "if best is None or value > best:", "    best = value"], ["return best"]),
    "min": (["best = None"], ["value = {v}", "if best is None or value < best:", "    best = value"], ["return best"]),
    "first": ([], ["return {v}"], ["return None"]),
    "last": (["last = None"], ["last = {v}"], ["return last"]),
    "any": ([], ["return True"], ["return False"]),
    "collect": (["result = []"], ["result.append({v})"], ["return result"]),
    "index_first": ([], ["return i"], ["return -1"]),
    "index_last": (["found = -1"], ["found = i"], ["return found"]),
    "indices": (["result = []"], ["result.append(i)"], ["return result"]),
    "join": (["parts = []"], ["parts.append({v})"], ['return " ".join(parts)']),
    "concat": (['result = ""'], ["result += {v}"], ["return result"]),
    "longest": (["best = None"], ["value = {v}", "if best is None or len(value) > len(best):", "    best = value"], ["return best"]),
    "shortest": (["best = None"], ["value = {v}", "if best is None or len(value) < len(best):", "    best = value"], ["return best"]),
}


def _literal(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


# -- enumeration ----------------------------------------------------------------------------


@cache
def _atoms(elem: str) -> tuple[Atom, ...]:
    out: list[Atom] = []
    for p in PREDICATES:
        if p.elem != elem:
            continue
        if not p.takes:
            out.append(Atom(p))
        else:
            out.extend(Atom(p, v) for v in (*p.constants, PARAM))
    return tuple(out)


@cache
def _conditions(elem: str) -> tuple[Condition, ...]:
    """Atoms, `not` atoms, and `and`/`or` pairs of atoms of different predicates with at most one parameter."""
    atoms = _atoms(elem)
    out = [Condition((a,)) for a in atoms] + [Condition((a,), "not") for a in atoms]
    for i, a in enumerate(atoms):
        for b in atoms[i + 1 :]:
            if a.predicate.name == b.predicate.name or (a.value == PARAM and b.value == PARAM):
                continue
            out.extend(Condition((a, b), c) for c in ("and", "or"))
    return tuple(out)


@cache
def _heads(source: Source, select: str) -> tuple[tuple[Transform, Reducer], ...]:
    """(transform, reducer) pairs that fit a source's element kind. An early-exit reducer needs a filter
    (`first` of every element is just element 0, and its loop could never run twice)."""
    out = []
    for t in TRANSFORMS:
        if t.elem != source.elem:
            continue
        for r in REDUCERS:
            if t.gives not in r.elems or (r.identity_only and t.name != "identity") or (r.needs_index and not source.indexable):
                continue
            if r.early_exit and select != "filter":
                continue
            out.append((t, r))
    return tuple(out)


@cache
def _blocks() -> tuple[tuple[Source, str, int], ...]:
    """(source, select, number of conditions) blocks, in order; `all` has one (no condition)."""
    out = []
    for s in SOURCES:
        for select in SELECTS:
            out.append((s, select, 1 if select == "all" else len(_conditions(s.elem) if select == "filter" else _atoms(s.elem))))
    return tuple(out)


def count() -> int:
    """How many distinct behaviours the space holds."""
    return sum(n * len(_heads(s, select)) for s, select, n in _blocks())


def spec_at(index: int) -> Spec:
    """The behaviour at `index` (0 <= index < count()), a stable order."""
    if not 0 <= index < count():
        raise IndexError(index)
    for source, select, n in _blocks():
        heads = _heads(source, select)
        size = n * len(heads)
        if index >= size:
            index -= size
            continue
        which, head = divmod(index, len(heads))
        transform, reducer = heads[head]
        if select == "all":
            condition = None
        elif select == "filter":
            condition = _conditions(source.elem)[which]
        else:
            condition = Condition((_atoms(source.elem)[which],))
        return Spec(source, select, condition, transform, reducer)
    raise AssertionError("unreachable")


def sample(rng: random.Random, n: int) -> Iterator[Spec]:
    """`n` distinct behaviours drawn uniformly from the space."""
    for index in rng.sample(range(count()), n):
        yield spec_at(index)
