"""What a behaviour expression means, as Python: a reading of a request is an executable
specification, so a generated program can be run against it on probe inputs.

A fold (anrf_lsp/intent/behaviour.py) takes the elements of a source, keeps some (`all`,
`filter(predicate)`, `take_while(predicate)`), transforms each (`map`) and reduces them
(`reduce`). The callables here are the parts' one definition: the training data's references
(training/compose/parts.py) are built from them too, so "the program agrees with the reading" and
"the program is correct on the data" mean the same thing.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import Any

from .behaviour import BehaviourNode


class NotExecutable(ValueError):
    """The reading has no executable meaning here (not a fold, or a part this module lacks)."""


def _mean(values: list, _: list) -> Any:
    if not values:
        return None
    total = 0
    for v in values:  # left to right, as the loop adds
        total += v
    return total / len(values)


def _sum(values: list, _: list) -> Any:
    total = 0
    for v in values:
        total += v
    return total


def _product(values: list, _: list) -> Any:
    out = 1
    for v in values:
        out *= v
    return out


def _longest(values: list, _: list) -> Any:
    best = None
    for v in values:
        if best is None or len(v) > len(best):
            best = v
    return best


def _shortest(values: list, _: list) -> Any:
    best = None
    for v in values:
        if best is None or len(v) < len(best):
            best = v
    return best


def _none_if_empty(pick: Callable[[list], Any]) -> Callable[[list, list], Any]:
    return lambda values, _: pick(values) if values else None


# source name -> (parameter annotation, its elements)
SOURCES: dict[str, tuple[str, Callable[[Any], list]]] = {
    "numbers": ("list[float]", list),
    "ints": ("list[int]", list),
    "words": ("list[str]", list),
    "chars": ("str", list),
    "upto": ("int", lambda n: list(range(1, n + 1))),
    "below": ("int", lambda n: list(range(n))),
}

# predicate name -> (kind of its value operand: "" | "num" | "int" | "str", callable of x (and the value))
PREDICATES: dict[str, tuple[str, Callable[..., bool]]] = {
    "gt": ("num", lambda a, b: a > b),
    "ge": ("num", lambda a, b: a >= b),
    "lt": ("num", lambda a, b: a < b),
    "le": ("num", lambda a, b: a <= b),
    "eq": ("num", lambda a, b: a == b),
    "ne": ("num", lambda a, b: a != b),
    "positive": ("", lambda x: x > 0),
    "negative": ("", lambda x: x < 0),
    "non_negative": ("", lambda x: x >= 0),
    "non_positive": ("", lambda x: x <= 0),
    "zero": ("", lambda x: x == 0),
    "nonzero": ("", lambda x: x != 0),
    "even": ("", lambda x: x % 2 == 0),
    "odd": ("", lambda x: x % 2 == 1),
    "divisible_by": ("int", lambda x, v: x % v == 0),
    "empty": ("", lambda x: len(x) == 0),
    "non_empty": ("", lambda x: len(x) > 0),
    "starts_with": ("str", lambda x, v: x.startswith(v)),
    "ends_with": ("str", lambda x, v: x.endswith(v)),
    "contains": ("str", lambda x, v: v in x),
    "longer_than": ("int", lambda x, v: len(x) > v),
    "shorter_than": ("int", lambda x, v: len(x) < v),
    "equals": ("str", lambda x, v: x == v),
    "vowel": ("", lambda x: x.lower() in "aeiou" and len(x) == 1),
    "digit": ("", lambda x: x in "0123456789" and len(x) == 1),
    "uppercase": ("", lambda x: x.upper() == x and x.lower() != x),
    "palindrome": ("", lambda x: x == x[::-1]),
}

TRANSFORMS: dict[str, Callable[[Any], Any]] = {
    "identity": lambda x: x,
    "square": lambda x: x * x,
    "cube": lambda x: x * x * x,
    "double": lambda x: x * 2,
    "negate": lambda x: -x,
    "absolute": abs,
    "increment": lambda x: x + 1,
    "halve": lambda x: x / 2,
    "upper": str.upper,
    "lower": str.lower,
    "strip": str.strip,
    "reverse": lambda x: x[::-1],
    "capitalize": lambda x: x[:1].upper() + x[1:],
    "length": len,
}

# reducer name -> callable of (the kept, transformed values, their indices in the source)
REDUCERS: dict[str, Callable[[list, list], Any]] = {
    "sum": _sum,
    "product": _product,
    "count": lambda v, _: len(v),
    "mean": _mean,
    "max": _none_if_empty(max),
    "min": _none_if_empty(min),
    "first": _none_if_empty(lambda v: v[0]),
    "last": _none_if_empty(lambda v: v[-1]),
    "any": lambda v, _: bool(v),
    "collect": lambda v, _: list(v),
    "index_first": lambda v, idx: idx[0] if idx else -1,
    "index_last": lambda v, idx: idx[-1] if idx else -1,
    "indices": lambda v, idx: list(idx),
    "join": lambda v, _: " ".join(v),
    "concat": lambda v, _: "".join(v),
    "longest": _longest,
    "shortest": _shortest,
}


def _name(value: Any, what: str) -> str:
    if not isinstance(value, BehaviourNode) or value.args:
        raise NotExecutable(f"{what} must be a plain part")
    return value.part


def _table(table: dict[str, Any], name: str, what: str) -> Any:
    if name not in table:
        raise NotExecutable(f"no meaning for the {what} “{name}”")
    return table[name]


def holds(condition: BehaviourNode, x: Any, param: Any) -> bool:
    """Whether element `x` satisfies a predicate expression (an atom, not, and, or); `param` is the
    value of a `param(...)` operand."""
    part, args = condition.part, condition.args
    if part == "not":
        return not holds(_node(args.get("operand")), x, param)
    if part in ("and", "or"):
        left, right = holds(_node(args.get("left")), x, param), holds(_node(args.get("right")), x, param)
        return (left and right) if part == "and" else (left or right)
    takes, test = _table(PREDICATES, part, "predicate")
    if not takes:
        return bool(test(x))
    value = args.get("value")
    return bool(test(x, param if isinstance(value, BehaviourNode) else value))


def _node(value: Any) -> BehaviourNode:
    if not isinstance(value, BehaviourNode):
        raise NotExecutable("an operand must be a part")
    return value


def fold_parts(tree: BehaviourNode) -> tuple[str, str, BehaviourNode | None, str, str]:
    """(source, select, predicate or None, map, reduce) of a fold; NotExecutable for anything else."""
    if tree.part != "fold":
        raise NotExecutable(f"“{tree.part}” is not a fold")
    args = tree.args
    select = _node(args.get("select"))
    predicate = None if select.part == "all" else _node(select.args.get("predicate"))
    if select.part not in ("all", "filter", "take_while"):
        raise NotExecutable(f"no meaning for the selection “{select.part}”")
    source, transform, reducer = _name(args.get("source"), "source"), _name(args.get("map"), "map"), _name(args.get("reduce"), "reduce")
    for table, name, what in ((SOURCES, source, "source"), (TRANSFORMS, transform, "map"), (REDUCERS, reducer, "reduce")):
        _table(table, name, what)
    return source, select.part, predicate, transform, reducer


def evaluate(tree: BehaviourNode, args: list[Any]) -> Any:
    """What the reading returns for `args` (the source first, then the predicate's parameter)."""
    source, select, predicate, transform, reducer = fold_parts(tree)
    elements = SOURCES[source][1](args[0])
    param = args[1] if len(args) > 1 else None
    values, indices = [], []
    for i, x in enumerate(elements):
        if predicate is not None:
            ok = holds(predicate, x, param)
            if select == "take_while" and not ok:
                break
            if not ok:
                continue
        values.append(TRANSFORMS[transform](x))
        indices.append(i)
    return REDUCERS[reducer](values, indices)


# -- inputs ------------------------------------------------------------------------------------

WORDS = ("apple", "banana", "sky", "Tree", "level", "noon", "sing", "ring", "a", "the", "data", "easy", "ANT", "x", "stone", "")


def edge_input(param_type: str) -> Any:
    """The edge case of a source parameter: the empty list, the empty string, 0."""
    return {"str": "", "int": 0}.get(param_type, [])


def random_input(param_type: str, rng: random.Random, salt_words: tuple[str, ...] = (), salt_numbers: tuple[float, ...] = ()) -> Any:
    """A random value of a source parameter. A probe salts it with the reading's literals
    (`salt_words`, `salt_numbers`) so that its predicates both hold and fail; unsalted, the draws
    are the training data's (training/compose/space.py), so a dataset rebuilds byte for byte."""
    size = rng.randint(1, 7)
    if param_type in ("list[float]", "list[int]"):
        salt = salt_numbers if param_type == "list[float]" else tuple(int(n) for n in salt_numbers if float(n).is_integer())
        return [rng.choice(salt) if salt and rng.random() < 0.3 else _random_number(param_type, rng) for _ in range(size)]
    if param_type == "list[str]":
        return [rng.choice((*salt_words, *WORDS)) for _ in range(size)]
    if param_type == "str":
        pieces = (*(string.ascii_letters + "  0123456789aeiou"), *salt_words)
        return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
    return rng.randint(0, 12)


def _random_number(param_type: str, rng: random.Random) -> float:
    if param_type == "list[int]":
        return rng.randint(-15, 15)
    return rng.choice((rng.randint(-12, 12), rng.randint(-40, 40) / 4))


def operand_value(takes: str, rng: random.Random, constants: tuple[Any, ...] = ()) -> Any:
    """A random value for a predicate's parameter of kind `takes`."""
    if takes == "num":
        return rng.choice((rng.randint(-5, 12), rng.randint(-20, 20) / 4))
    if takes == "int":
        return rng.randint(1, 6)
    return rng.choice((*constants, rng.choice(string.ascii_lowercase)))


def _atoms(predicate: BehaviourNode | None) -> list[BehaviourNode]:
    if predicate is None:
        return []
    if predicate.part == "not":
        return _atoms(_node(predicate.args.get("operand")))
    if predicate.part in ("and", "or"):
        return _atoms(_node(predicate.args.get("left"))) + _atoms(_node(predicate.args.get("right")))
    return [predicate]


def _variants(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for s in words for w in (s, s + "x", "x" + s, "x" + s + "y", s.upper()))


def probes(tree: BehaviourNode, count: int = 24, seed: int = 0) -> list[list[Any]]:
    """Argument lists to run a program and its reading on: the edge case first, then random inputs
    salted with the reading's literals and its parameter's value (and variants of them: "th" gives
    "th", "thx", "xth", "xthy", "TH"), so that a filter's predicate both holds and fails.
    Deterministic for a reading and seed."""
    source, _, predicate, _, _ = fold_parts(tree)
    param_type = SOURCES[source][0]
    rng = random.Random(f"{seed}:{tree.text()}")
    literals = [a.args.get("value") for a in _atoms(predicate)]
    strings = tuple(v for v in literals if isinstance(v, str))
    numbers = tuple(n for v in literals if isinstance(v, int | float) and not isinstance(v, bool) for n in (v - 1, v, v + 1))
    param_atom = next((a for a in _atoms(predicate) if isinstance(a.args.get("value"), BehaviourNode)), None)
    out = []
    for i in range(count):
        args: list[Any] = []
        words, values = strings, numbers
        if param_atom is not None:
            takes = PREDICATES[param_atom.part][0]
            param = operand_value(takes, rng, tuple(w for w in (*strings, *WORDS) if w) if takes == "str" else ())
            args.append(param)
            words, values = (words + (param,), values) if isinstance(param, str) else (words, values + (param - 1, param, param + 1))
        value = edge_input(param_type) if i == 0 else random_input(param_type, rng, _variants(words), values)
        out.append([value, *args])
    return out


# -- in words --------------------------------------------------------------------------------

_SOURCE_WORDS = {"numbers": "numbers", "ints": "integers", "words": "words", "chars": "characters",
                 "upto": "numbers from 1 to n", "below": "numbers from 0 below n"}
_ADJECTIVES = {"positive", "negative", "non_negative", "non_positive", "even", "odd", "empty", "non_empty", "uppercase", "nonzero"}
_NOUNS = {"vowel": "vowels", "digit": "digits", "palindrome": "palindromes", "zero": "zeros"}
_RELATIONS = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most", "eq": "equal to", "ne": "not equal to",
              "divisible_by": "divisible by", "starts_with": "starting with", "ends_with": "ending with", "contains": "containing",
              "longer_than": "longer than", "shorter_than": "shorter than", "equals": "equal to"}
_MAPS = {"square": "the squares of", "cube": "the cubes of", "double": "twice", "negate": "the negatives of",
         "absolute": "the absolute values of", "increment": "one more than", "halve": "half of", "upper": "the uppercased",
         "lower": "the lowercased", "strip": "the trimmed", "reverse": "the reversed", "capitalize": "the capitalized",
         "length": "the lengths of"}
_REDUCES = {"sum": "the sum of {}", "product": "the product of {}", "count": "the number of {}", "mean": "the mean of {}",
            "max": "the largest of {}", "min": "the smallest of {}", "first": "the first of {}", "last": "the last of {}",
            "any": "whether there is any of {}", "collect": "a list of {}", "index_first": "the index of the first of {}",
            "index_last": "the index of the last of {}", "indices": "the indices of {}", "join": "{} joined with spaces",
            "concat": "{} concatenated", "longest": "the longest of {}", "shortest": "the shortest of {}"}


def _condition_words(condition: BehaviourNode) -> str:
    """A predicate as a clause after "that are": "even", "greater than 3", "not even and under threshold"."""
    part, args = condition.part, condition.args
    if part == "not":
        return "not " + _condition_words(_node(args.get("operand")))
    if part in ("and", "or"):
        return f"{_condition_words(_node(args.get('left')))} {part} {_condition_words(_node(args.get('right')))}"
    if part in _RELATIONS:
        value = args.get("value")
        shown = value.args.get("name", "a parameter") if isinstance(value, BehaviourNode) else (f"“{value}”" if isinstance(value, str) else value)
        return f"{_RELATIONS[part]} {shown}"
    return _NOUNS.get(part, part).replace("_", "-")


def in_words(tree: BehaviourNode) -> str:
    """A reading in plain English, e.g. "the sum of the squares of the even numbers" (what a
    decline or a hover says the request was read as); the canonical text for anything not a fold."""
    try:
        source, select, predicate, transform, reducer = fold_parts(tree)
    except NotExecutable:
        return tree.text()
    noun = _SOURCE_WORDS[source]
    if predicate is None:
        elements = f"the {noun}"
    elif select == "take_while":
        elements = f"the {noun} from the start while they are {_condition_words(predicate)}"
    elif predicate.part in _ADJECTIVES:
        elements = f"the {predicate.part.replace('_', '-')} {noun}"
    elif predicate.part in _NOUNS:
        elements = f"the {_NOUNS[predicate.part]} among the {noun}"
    elif predicate.part in _RELATIONS:
        elements = f"the {noun} {_condition_words(predicate)}"
    else:
        elements = f"the {noun} that are {_condition_words(predicate)}"
    if transform != "identity":
        prefix = _MAPS[transform]
        elements = f"{prefix} {elements.removeprefix('the ')}" if prefix.startswith("the ") and not prefix.endswith(" of") else f"{prefix} {elements}"
    return _REDUCES[reducer].format(elements)
