"""Filters (keep the elements matching a predicate) and maps (transform every element).

Both build a new list with list_append and leave the input unchanged; an empty
input gives an empty list.
"""

from __future__ import annotations

from collections.abc import Callable

from anrf_lsp.program.builder import Function, Ref

from .common import function, ints, numbers, words

Predicate = Callable[..., Ref]  # (f, element, *extra params) -> boolean expression


def filter_body(element_type: str, keep: Predicate):
    """result = []; for x in items: if keep(x): result.append(x); return result."""

    def body(f: Function, items: Ref, *extra: Ref) -> None:
        result = f.var("result", f"list[{element_type}]", [])
        with f.for_each(items, "item") as item, f.if_(keep(f, item, *extra)):
            f.do(f.list_append(result, item))
        f.return_(result)

    return body


def map_body(element_type: str, transform: Predicate):
    """result = []; for x in items: result.append(transform(x)); return result."""

    def body(f: Function, items: Ref, *extra: Ref) -> None:
        result = f.var("result", f"list[{element_type}]", [])
        with f.for_each(items, "item") as item:
            f.do(f.list_append(result, transform(f, item, *extra)))
        f.return_(result)

    return body


def unique_body(f: Function, items: Ref) -> None:
    result = f.var("result", "list[int]", [])
    with f.for_each(items, "item") as item, f.if_(f.not_(f.contains(result, item))):
        f.do(f.list_append(result, item))
    f.return_(result)


def _unique(items: list) -> list:
    out: list = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


def _cumulative_body(f: Function, items: Ref) -> None:
    total = f.var("total", "number", 0)
    result = f.var("result", "list[number]", [])
    with f.for_each(items, "item") as item:
        f.set(total, f.add(total, item))
        f.do(f.list_append(result, total))
    f.return_(result)


def _cumulative(items: list) -> list:
    total, out = 0, []
    for x in items:
        total += x
        out.append(total)
    return out


def _int_lists(rng) -> list[list]:
    return [[[]], [[0]], [[-4, -3, 0, 1, 2]], *([ints(rng)] for _ in range(4))]


def _number_lists(rng) -> list[list]:
    return [[[]], [[0]], [[-1.5, 2.5, 0, 3]], *([numbers(rng)] for _ in range(4))]


def _numbers_and(rng) -> list[list]:
    return [[[], 1], [[0, 1, 2], 0], [[-1.5, 2.5], -2], *([numbers(rng), rng.randint(-10, 10)] for _ in range(4))]


def _word_lists(rng) -> list[list]:
    return [[[]], [[""]], [["", "a", "", "bc"]], *([words(rng)] for _ in range(4))]


def _words_and_length(rng) -> list[list]:
    return [[[], 3], [["a", "abc", ""], 0], [["kiwi", "fig", "banana"], 4], *([words(rng), rng.randint(0, 6)] for _ in range(4))]


BEHAVIOURS = [
    function(
        "filter_even", "filter", "filter_even", "numbers: list[int]", "list[int]",
        "Return the even numbers of a list, in order.",
        ("keep only the even numbers from a list", "filter a list down to its even values",
         "return the even integers of an array", "select the numbers divisible by two", "drop the odd numbers from a list"),
        filter_body("int", lambda f, x: f.eq(f.mod(x, 2), 0)), lambda xs: [x for x in xs if x % 2 == 0], _int_lists,
        tags=("list",),
    ),
    function(
        "filter_positive", "filter", "filter_positive", "numbers: list[number]", "list[number]",
        "Return the numbers of a list that are greater than zero, in order.",
        ("keep only the positive numbers from a list", "filter out zero and negative values",
         "return the numbers above zero in an array", "select the positive entries of a list"),
        filter_body("number", lambda f, x: f.gt(x, 0)), lambda xs: [x for x in xs if x > 0], _number_lists, tags=("list",),
    ),
    function(
        "filter_greater_than", "filter", "filter_greater_than", "numbers: list[number], threshold: number", "list[number]",
        "Return the numbers of a list that are greater than a threshold, in order.",
        ("keep the numbers larger than a threshold", "filter a list to the values above a limit",
         "return every element greater than a given number", "select the entries that exceed a cutoff"),
        filter_body("number", lambda f, x, t: f.gt(x, t)), lambda xs, t: [x for x in xs if x > t], _numbers_and, tags=("list",),
    ),
    function(
        "remove_empty_strings", "filter", "remove_empty_strings", "words: list[str]", "list[str]",
        "Return the strings of a list without the empty ones.",
        ("remove the empty strings from a list", "drop blank entries from an array of strings",
         "filter out empty text values", "keep only the non-empty strings of a list"),
        filter_body("str", lambda f, w: f.ne(w, "")), lambda ws: [w for w in ws if w != ""], _word_lists, tags=("string", "list"),
    ),
    function(
        "filter_long_words", "filter", "filter_long_words", "words: list[str], min_length: int", "list[str]",
        "Return the words that have at least a given number of characters.",
        ("keep the words with at least a minimum length", "filter out words shorter than a given length",
         "select the long strings from a list", "return the words whose length reaches a limit"),
        filter_body("str", lambda f, w, n: f.ge(f.len(w), n)), lambda ws, n: [w for w in ws if len(w) >= n], _words_and_length,
        tags=("string", "list"),
    ),
    function(
        "unique", "filter", "unique", "items: list[int]", "list[int]",
        "Return the distinct values of a list in order of first appearance.",
        ("remove duplicates from a list", "return the unique elements of an array keeping their order",
         "deduplicate a list of numbers", "keep only the first occurrence of each value"),
        unique_body, _unique, lambda rng: [[[]], [[1, 1, 1]], [[3, 1, 3, 2, 1]], *([ints(rng, -3, 3)] for _ in range(4))],
        tags=("list",),
    ),
    function(
        "square_all", "map", "square_all", "numbers: list[number]", "list[number]",
        "Return a list with the square of each number.",
        ("square every number in a list", "return the squares of a list of numbers",
         "map each element of an array to its square", "compute the square of each value"),
        map_body("number", lambda f, x: f.mul(x, x)), lambda xs: [x * x for x in xs], _number_lists, tags=("math", "list"),
    ),
    function(
        "double_all", "map", "double_all", "numbers: list[number]", "list[number]",
        "Return a list with each number doubled.",
        ("double every number in a list", "multiply each element of an array by two",
         "return a list of the values times two", "map a list of numbers to twice their value"),
        map_body("number", lambda f, x: f.mul(x, 2)), lambda xs: [x * 2 for x in xs], _number_lists, tags=("math", "list"),
    ),
    function(
        "add_to_all", "map", "add_to_all", "numbers: list[number], amount: number", "list[number]",
        "Return a list with a given amount added to each number.",
        ("add a constant to every number in a list", "shift each value of an array by an amount",
         "increase every element of a list by a given number", "offset all the numbers in a list"),
        map_body("number", lambda f, x, a: f.add(x, a)), lambda xs, a: [x + a for x in xs], _numbers_and, tags=("math", "list"),
    ),
    function(
        "word_lengths", "map", "word_lengths", "words: list[str]", "list[int]",
        "Return the length of each string in a list.",
        ("get the length of every word in a list", "map each string to its number of characters",
         "return a list of word lengths", "compute how long each string of an array is"),
        map_body("int", lambda f, w: f.len(w)), lambda ws: [len(w) for w in ws], _word_lists, tags=("string", "list"),
    ),
    function(
        "uppercase_all", "map", "uppercase_all", "words: list[str]", "list[str]",
        "Return a list with every string converted to upper case.",
        ("convert every string in a list to upper case", "uppercase all the words of an array",
         "return the words of a list in capital letters", "map a list of strings to upper case"),
        map_body("str", lambda f, w: f.upper(w)), lambda ws: [w.upper() for w in ws], _word_lists, tags=("string", "list"),
    ),
    function(
        "cumulative_sum", "map", "cumulative_sum", "numbers: list[number]", "list[number]",
        "Return the running totals of a list of numbers.",
        ("compute the running total of a list", "return the cumulative sums of an array of numbers",
         "build the prefix sums of a list", "accumulate a list of values into running totals"),
        _cumulative_body, _cumulative, _number_lists, tags=("math", "list"),
    ),
]
