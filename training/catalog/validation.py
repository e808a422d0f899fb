"""Validation predicates: every behaviour returns a boolean and never fails on
its declared input types (empty strings and lists included)."""

from __future__ import annotations

from anrf_lsp.program.builder import Function, Ref

from .common import function, ints, letters, numbers, returning

USERNAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"


def _is_sorted_body(f: Function, nums: Ref) -> None:
    with f.for_each(f.range(1, f.len(nums)), "i") as i, f.if_(f.lt(f.index(nums, i), f.index(nums, f.sub(i, 1)))):
        f.return_(False)
    f.return_(True)


def _all_positive_body(f: Function, nums: Ref) -> None:
    with f.for_each(nums, "num") as num, f.if_(f.le(num, 0)):
        f.return_(False)
    f.return_(True)


def _has_duplicates_body(f: Function, items: Ref) -> None:
    seen = f.var("seen", "list[int]", [])
    with f.for_each(items, "item") as item:
        with f.if_(f.contains(seen, item)):
            f.return_(True)
        f.do(f.list_append(seen, item))
    f.return_(False)


def _username_body(f: Function, name: Ref) -> None:
    with f.if_(f.or_(f.lt(f.len(name), 3), f.gt(f.len(name), 16))):
        f.return_(False)
    with f.for_each(name, "ch") as ch, f.if_(f.not_(f.contains(USERNAME_CHARS, ch))):
        f.return_(False)
    f.return_(True)


def _in_range_body(f: Function, value: Ref, low: Ref, high: Ref) -> None:
    f.return_(f.and_(f.ge(value, low), f.le(value, high)))


def _percentages(rng) -> list[list]:
    return [[0], [100], [-0.5], [100.5], [50], *([rng.randint(-50, 150)] for _ in range(3))]


def _range_cases(rng) -> list[list]:
    return [[5, 0, 10], [0, 0, 10], [10, 0, 10], [-1, 0, 10], [11, 0, 10], [1, 2, 1],
            *([rng.randint(-20, 20), rng.randint(-20, 0), rng.randint(0, 20)] for _ in range(3))]


def _sorted_lists(rng) -> list[list]:
    fixed = [[[]], [[1]], [[1, 1, 2]], [[2, 1]], [[-3, 0, 0.5]]]
    return [*fixed, *([sorted(ints(rng)) if rng.random() < 0.5 else ints(rng)] for _ in range(3))]


def _usernames(rng) -> list[list]:
    out = [[""], ["ab"], ["abc"], ["john_doe42"], ["John"], ["a" * 16], ["a" * 17], ["no spaces"]]
    out += [[letters(rng, rng.randint(2, 18)).lower().replace(" ", "_")] for _ in range(2)]
    return out


def _is_username(name: str) -> bool:
    return 3 <= len(name) <= 16 and all(ch in USERNAME_CHARS for ch in name)


def _is_sorted(nums: list) -> bool:
    return all(nums[i] >= nums[i - 1] for i in range(1, len(nums)))


BEHAVIOURS = [
    function(
        "is_valid_percentage", "validation", "is_valid_percentage", "value: number", "bool",
        "Tell whether a number is a valid percentage, between 0 and 100 inclusive.",
        ("check whether a value is a valid percentage", "validate that a number lies between 0 and 100",
         "test if a percentage is in range", "verify a number is an acceptable percent value"),
        returning(lambda f, v: f.and_(f.ge(v, 0), f.le(v, 100))), lambda v: 0 <= v <= 100, _percentages, tags=("validation",),
    ),
    function(
        "is_even", "validation", "is_even", "n: int", "bool",
        "Tell whether an integer is even.",
        ("check whether a number is even", "test if an integer is divisible by two", "determine whether a value is even",
         "decide if a number has no remainder when halved"),
        returning(lambda f, n: f.eq(f.mod(n, 2), 0)), lambda n: n % 2 == 0,
        lambda rng: [[0], [1], [-2], [-3], *([rng.randint(-100, 100)] for _ in range(3))], tags=("validation", "math"),
    ),
    function(
        "in_range", "validation", "in_range", "value: number, low: number, high: number", "bool",
        "Tell whether a number lies between two bounds, inclusive.",
        ("check whether a value lies within a range", "test if a number is between a lower and an upper bound",
         "verify that a value falls inside given limits", "determine whether a number is in an inclusive interval"),
        _in_range_body, lambda v, lo, hi: lo <= v <= hi, _range_cases, tags=("validation",),
    ),
    function(
        "is_non_empty_string", "validation", "is_not_blank", "text: str", "bool",
        "Tell whether a string contains something other than whitespace.",
        ("check that a string is not empty or blank", "validate that a text has non-whitespace content",
         "test whether a string is non-empty after trimming", "make sure a text field is filled in"),
        returning(lambda f, t: f.gt(f.len(f.strip(t)), 0)), lambda t: len(t.strip()) > 0,
        lambda rng: [[""], [" "], ["\t\n"], ["a"], [" x "], *([letters(rng, rng.randint(0, 5))] for _ in range(3))],
        tags=("validation", "string"),
    ),
    function(
        "is_sorted", "validation", "is_sorted", "numbers: list[number]", "bool",
        "Tell whether a list of numbers is in non-decreasing order.",
        ("check whether a list is sorted", "test if an array is in ascending order", "verify that numbers never decrease",
         "determine whether a list of values is ordered"),
        _is_sorted_body, _is_sorted, _sorted_lists, tags=("validation", "list"),
    ),
    function(
        "all_positive", "validation", "all_positive", "numbers: list[number]", "bool",
        "Tell whether every number in a list is greater than zero (true for an empty list).",
        ("check that all numbers in a list are positive", "verify every value of an array is above zero",
         "test whether a list has no zero or negative entries", "make sure all elements are positive"),
        _all_positive_body, lambda nums: all(x > 0 for x in nums),
        lambda rng: [[[]], [[1, 2]], [[1, 0]], [[-0.5]], *([numbers(rng)] for _ in range(3))], tags=("validation", "list"),
    ),
    function(
        "has_duplicates", "validation", "has_duplicates", "items: list[int]", "bool",
        "Tell whether any value occurs more than once in a list.",
        ("check whether a list contains duplicates", "test if any element of an array repeats",
         "detect repeated values in a list", "determine whether all items of a list are distinct or not"),
        _has_duplicates_body, lambda items: len(set(items)) != len(items),
        lambda rng: [[[]], [[1]], [[1, 2, 1]], [[1, 2, 3]], *([ints(rng, -5, 5)] for _ in range(3))], tags=("validation", "list"),
    ),
    function(
        "is_valid_username", "validation", "is_valid_username", "name: str", "bool",
        "Tell whether a username has 3 to 16 characters, all lower-case letters, digits or underscores.",
        ("validate a username", "check that a user name has only lowercase letters, digits and underscores",
         "test whether a login name is well formed", "verify a username's length and characters"),
        _username_body, _is_username, _usernames, tags=("validation", "string"),
    ),
]
