"""The typed parts behaviours are composed of, each with its Python spelling, its reference
semantics and its phrasings (several per part, in the register people write comments in).

A fold behaviour reads: take the elements of a source, keep some (a predicate, or while a
predicate holds), transform each, reduce them. Element kinds are "num" and "str"; a part says
which kind it takes and gives, and only well-typed combinations are built (space.py).

Each part is written once as data: `code` is a Python expression over `x` (and `{v}`, its value
operand), `ref` the same meaning as a Python callable (anrf_lsp/intent/semantics.py, where the
runtime checks generated programs against a reading with the same definitions), so the
reference of a behaviour is built from the parts and never from the code text the importer reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from anrf_lsp.intent.semantics import PREDICATES as PREDICATE_REFS
from anrf_lsp.intent.semantics import REDUCERS as REDUCER_REFS
from anrf_lsp.intent.semantics import SOURCES as SOURCE_REFS
from anrf_lsp.intent.semantics import TRANSFORMS as TRANSFORM_REFS


@dataclass(frozen=True)
class Source:
    name: str
    param: str  # parameter name
    param_type: str  # Python annotation
    elem: str  # "num" | "str"
    iterate: str  # Python iterable over the parameter
    ref: Callable[[Any], list]
    phrases: tuple[str, ...]
    indexable: bool = False  # a list: index-tracking reducers apply


@dataclass(frozen=True)
class Predicate:
    name: str
    elem: str
    code: str  # over `x`; `{v}` is the value operand when `takes` is set
    ref: Callable[..., bool]
    phrases: tuple[str, ...]  # "{v}" where the value goes
    takes: str = ""  # "" | "num" | "str" | "int": the kind of its value operand
    constants: tuple[Any, ...] = ()  # the literal values a phrase may name
    param: str = ""  # the parameter name when the value is given as an argument


@dataclass(frozen=True)
class Transform:
    name: str
    elem: str  # takes
    gives: str
    code: str
    ref: Callable[[Any], Any]
    phrases: tuple[str, ...]  # a noun phrase prefix: "the squares of"; "" for identity


@dataclass(frozen=True)
class Reducer:
    name: str
    elems: tuple[str, ...]  # kinds it reduces
    returns: Callable[[str], str]  # element kind -> Python annotation of the result
    ref: Callable[[list, list], Any]  # (values, indices) -> result
    phrases: tuple[str, ...]  # "{elements}" where the (transformed, selected) elements go
    identity_only: bool = False  # meaningless with a transform (count, any, index_of_first, ...)
    needs_index: bool = False
    early_exit: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


SOURCES: tuple[Source, ...] = (
    Source("numbers", "numbers", "list[float]", "num", "numbers", SOURCE_REFS["numbers"][1],
           ("the numbers in a list", "the numbers in the list", "the values in a list", "the list's numbers", "the items of a number list"),
           indexable=True),
    Source("ints", "values", "list[int]", "num", "values", SOURCE_REFS["ints"][1],
           ("the integers in a list", "the ints in a list", "the integer values", "the whole numbers in a list"), indexable=True),
    Source("words", "words", "list[str]", "str", "words", SOURCE_REFS["words"][1],
           ("the words in a list", "the strings in a list", "the list's words", "the words", "the strings"), indexable=True),
    Source("chars", "text", "str", "str", "text", SOURCE_REFS["chars"][1],
           ("the characters of a string", "the letters of a string", "the characters in the text", "each character of a string")),
    Source("upto", "n", "int", "num", "range(1, n + 1)", SOURCE_REFS["upto"][1],
           ("the numbers from 1 to n", "the integers 1 through n", "the whole numbers up to n", "1..n")),
    Source("below", "n", "int", "num", "range(n)", SOURCE_REFS["below"][1],
           ("the numbers from 0 below n", "the integers less than n", "the numbers under n starting at 0")),
)

_NUM_CMP = (
    ("gt", ">", PREDICATE_REFS["gt"][1], ("greater than {v}", "above {v}", "over {v}", "more than {v}", "bigger than {v}")),
    ("ge", ">=", PREDICATE_REFS["ge"][1], ("at least {v}", "greater than or equal to {v}", "{v} or more", "no less than {v}")),
    ("lt", "<", PREDICATE_REFS["lt"][1], ("less than {v}", "below {v}", "under {v}", "smaller than {v}")),
    ("le", "<=", PREDICATE_REFS["le"][1], ("at most {v}", "less than or equal to {v}", "{v} or less", "no more than {v}")),
    ("eq", "==", PREDICATE_REFS["eq"][1], ("equal to {v}", "the same as {v}", "exactly {v}")),
    ("ne", "!=", PREDICATE_REFS["ne"][1], ("not equal to {v}", "different from {v}", "other than {v}")),
)

PREDICATES: tuple[Predicate, ...] = (
    *(Predicate(name, "num", f"x {sym} {{v}}", fn, phrases, takes="num",
                constants=(1, 3, 5, 10, 100), param="threshold") for name, sym, fn, phrases in _NUM_CMP),
    Predicate("positive", "num", "x > 0", PREDICATE_REFS["positive"][1], ("positive", "above zero", "greater than zero", "strictly positive")),
    Predicate("negative", "num", "x < 0", PREDICATE_REFS["negative"][1], ("negative", "below zero", "less than zero", "under zero")),
    Predicate("non_negative", "num", "x >= 0", PREDICATE_REFS["non_negative"][1], ("non-negative", "zero or more", "not negative", "at least zero")),
    Predicate("non_positive", "num", "x <= 0", PREDICATE_REFS["non_positive"][1], ("non-positive", "zero or less", "not positive")),
    Predicate("zero", "num", "x == 0", PREDICATE_REFS["zero"][1], ("zero", "equal to zero", "exactly zero")),
    Predicate("nonzero", "num", "x != 0", PREDICATE_REFS["nonzero"][1], ("nonzero", "not zero", "other than zero", "non-zero")),
    Predicate("even", "num", "x % 2 == 0", PREDICATE_REFS["even"][1], ("even", "even-valued", "of even value")),
    Predicate("odd", "num", "x % 2 == 1", PREDICATE_REFS["odd"][1], ("odd", "not even", "odd-valued")),
    Predicate("divisible_by", "num", "x % {v} == 0", PREDICATE_REFS["divisible_by"][1], ("divisible by {v}", "multiples of {v}", "evenly divisible by {v}"),
              takes="int", constants=(3, 4, 5, 7, 10), param="divisor"),
    Predicate("empty", "str", "len(x) == 0", PREDICATE_REFS["empty"][1], ("empty", "blank", "of length zero")),
    Predicate("non_empty", "str", "len(x) > 0", PREDICATE_REFS["non_empty"][1], ("non-empty", "not empty", "not blank")),
    Predicate("starts_with", "str", "x.startswith({v})", PREDICATE_REFS["starts_with"][1], ("starting with {v}", "beginning with {v}", "that start with {v}"),
              takes="str", constants=("a", "s", "th", "A"), param="prefix"),
    Predicate("ends_with", "str", "x.endswith({v})", PREDICATE_REFS["ends_with"][1], ("ending with {v}", "that end with {v}", "ending in {v}"),
              takes="str", constants=("s", "e", "ing", "y"), param="suffix"),
    Predicate("contains", "str", "{v} in x", PREDICATE_REFS["contains"][1], ("containing {v}", "that contain {v}", "with {v} in them"),
              takes="str", constants=("a", "e", "an", " "), param="needle"),
    Predicate("longer_than", "str", "len(x) > {v}", PREDICATE_REFS["longer_than"][1], ("longer than {v} characters", "with more than {v} letters", "longer than {v}"),
              takes="int", constants=(1, 3, 5), param="length"),
    Predicate("shorter_than", "str", "len(x) < {v}", PREDICATE_REFS["shorter_than"][1], ("shorter than {v} characters", "with fewer than {v} letters", "shorter than {v}"),
              takes="int", constants=(2, 4, 6), param="length"),
    Predicate("equals", "str", "x == {v}", PREDICATE_REFS["equals"][1], ("equal to {v}", "that are {v}", "matching {v}"),
              takes="str", constants=("a", "the", "x"), param="target"),
    Predicate("vowel", "str", 'x.lower() in "aeiou" and len(x) == 1', PREDICATE_REFS["vowel"][1],
              ("vowels", "a vowel", "one of a, e, i, o, u")),
    Predicate("digit", "str", 'x in "0123456789" and len(x) == 1', PREDICATE_REFS["digit"][1],
              ("digits", "a digit", "numeric characters")),
    Predicate("uppercase", "str", "x.upper() == x and x.lower() != x", PREDICATE_REFS["uppercase"][1],
              ("uppercase", "in capitals", "upper-case")),
    Predicate("palindrome", "str", "x == x[::-1]", PREDICATE_REFS["palindrome"][1], ("palindromes", "the same backwards", "palindromic")),
)

TRANSFORMS: tuple[Transform, ...] = (
    Transform("identity", "num", "num", "x", TRANSFORM_REFS["identity"], ("",)),
    Transform("identity", "str", "str", "x", TRANSFORM_REFS["identity"], ("",)),
    Transform("square", "num", "num", "x * x", TRANSFORM_REFS["square"], ("the squares of", "the squared values of", "the square of each of")),
    Transform("cube", "num", "num", "x * x * x", TRANSFORM_REFS["cube"], ("the cubes of", "the cubed values of", "the cube of each of")),
    Transform("double", "num", "num", "x * 2", TRANSFORM_REFS["double"], ("twice", "the doubled values of", "double each of")),
    Transform("negate", "num", "num", "-x", TRANSFORM_REFS["negate"], ("the negatives of", "the negated values of", "minus each of")),
    Transform("absolute", "num", "num", "abs(x)", TRANSFORM_REFS["absolute"], ("the absolute values of", "the magnitudes of", "abs of each of")),
    Transform("increment", "num", "num", "x + 1", TRANSFORM_REFS["increment"], ("one more than each of", "each plus one of", "the incremented values of")),
    Transform("halve", "num", "num", "x / 2", TRANSFORM_REFS["halve"], ("half of each of", "the halves of", "each divided by two of")),
    Transform("upper", "str", "str", "x.upper()", TRANSFORM_REFS["upper"], ("the uppercase versions of", "in capitals,", "upper-cased")),
    Transform("lower", "str", "str", "x.lower()", TRANSFORM_REFS["lower"], ("the lowercase versions of", "lower-cased", "in lower case,")),
    Transform("strip", "str", "str", "x.strip()", TRANSFORM_REFS["strip"], ("the trimmed versions of", "stripped of whitespace,", "trimmed")),
    Transform("reverse", "str", "str", "x[::-1]", TRANSFORM_REFS["reverse"], ("the reversed versions of", "backwards,", "the reverse of each of")),
    Transform("capitalize", "str", "str", "x[:1].upper() + x[1:]", TRANSFORM_REFS["capitalize"],
              ("the capitalized versions of", "with the first letter capitalized,", "capitalized")),
    Transform("length", "str", "num", "len(x)", TRANSFORM_REFS["length"], ("the lengths of", "the length of each of", "how long each is of")),
)


def _num_or_str(kind: str) -> str:
    return "float" if kind == "num" else "str"


REDUCERS: tuple[Reducer, ...] = (
    Reducer("sum", ("num",), lambda k: "float", REDUCER_REFS["sum"], ("the sum of {elements}", "the total of {elements}", "add up {elements}", "sum {elements}")),
    Reducer("product", ("num",), lambda k: "float", REDUCER_REFS["product"], ("the product of {elements}", "multiply together {elements}", "multiply {elements}")),
    Reducer("count", ("num", "str"), lambda k: "int", REDUCER_REFS["count"],
            ("how many of {elements} there are", "count {elements}", "the number of {elements}", "tally {elements}"), identity_only=True),
    Reducer("mean", ("num",), lambda k: "float | None", REDUCER_REFS["mean"], ("the average of {elements}", "the mean of {elements}", "average {elements}")),
    Reducer("max", ("num",), lambda k: "float | None", REDUCER_REFS["max"], ("the largest of {elements}", "the maximum of {elements}", "the biggest of {elements}")),
    Reducer("min", ("num",), lambda k: "float | None", REDUCER_REFS["min"], ("the smallest of {elements}", "the minimum of {elements}", "the lowest of {elements}")),
    Reducer("first", ("num", "str"), lambda k: _num_or_str(k) + " | None", REDUCER_REFS["first"],
            ("the first of {elements}", "the first one of {elements}", "find the first of {elements}"), early_exit=True),
    Reducer("last", ("num", "str"), lambda k: _num_or_str(k) + " | None", REDUCER_REFS["last"],
            ("the last of {elements}", "the final one of {elements}", "the last one of {elements}")),
    Reducer("any", ("num", "str"), lambda k: "bool", REDUCER_REFS["any"],
            ("whether any of {elements} exist", "if there is any of {elements}", "check for any of {elements}"), identity_only=True, early_exit=True),
    Reducer("collect", ("num", "str"), lambda k: f"list[{_num_or_str(k)}]", REDUCER_REFS["collect"],
            ("a list of {elements}", "collect {elements}", "keep {elements}", "the list of {elements}")),
    Reducer("index_first", ("num", "str"), lambda k: "int", REDUCER_REFS["index_first"],
            ("the index of the first of {elements}", "the position of the first of {elements}", "where the first of {elements} is"),
            identity_only=True, needs_index=True, early_exit=True),
    Reducer("index_last", ("num", "str"), lambda k: "int", REDUCER_REFS["index_last"],
            ("the index of the last of {elements}", "the position of the last of {elements}"), identity_only=True, needs_index=True),
    Reducer("indices", ("num", "str"), lambda k: "list[int]", REDUCER_REFS["indices"],
            ("the indices of {elements}", "the positions of {elements}", "list the indexes of {elements}"), identity_only=True, needs_index=True),
    Reducer("join", ("str",), lambda k: "str", REDUCER_REFS["join"],
            ("{elements} joined with spaces", "join {elements} with spaces", "a sentence of {elements}")),
    Reducer("concat", ("str",), lambda k: "str", REDUCER_REFS["concat"],
            ("{elements} glued together", "concatenate {elements}", "{elements} joined into one string")),
    Reducer("longest", ("str",), lambda k: "str | None", REDUCER_REFS["longest"], ("the longest of {elements}", "the longest one of {elements}")),
    Reducer("shortest", ("str",), lambda k: "str | None", REDUCER_REFS["shortest"], ("the shortest of {elements}", "the shortest one of {elements}")),
)

# Parts never used in training: a behaviour with one is a held-out family, which must be declined.
HELD_OUT_PARTS = frozenset({"cube", "palindrome", "shortest", "divisible_by", "capitalize"})
