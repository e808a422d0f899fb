"""Aggregates over a list (sum, mean, max, counts) and searches in a list.

Empty lists are part of every behaviour's contract: sums give their identity,
max/min/mean/first_even give null, searches give -1, false or "".
"""

from __future__ import annotations

from anrf_lsp.program.builder import Function, Ref

from .common import function, ints, numbers, words


def _fold_body(start: int, step: str):
    """total = start; for num in numbers: total = step(total, num); return total."""

    def body(f: Function, nums: Ref) -> None:
        total = f.var("total" if step == "add" else "product", "number", start)
        with f.for_each(nums, "num") as num:
            f.set(total, f.op(step, total, num))
        f.return_(total)

    return body


def _total(nums: list) -> float:
    total = 0
    for x in nums:  # left to right, like the ANRF loop (not math.fsum)
        total += x
    return total


def _product(nums: list) -> float:
    out = 1
    for x in nums:
        out *= x
    return out


def _mean_body(f: Function, nums: Ref) -> None:
    with f.if_(f.eq(f.len(nums), 0)):
        f.return_(None)
    total = f.var("total", "number", 0)
    with f.for_each(nums, "num") as num:
        f.set(total, f.add(total, num))
    f.return_(f.div(total, f.len(nums)))


def max_body(f: Function, nums: Ref) -> None:
    """The public max_of_list example, written with the DSL."""
    with f.if_(f.eq(f.len(nums), 0)):
        f.return_(None)
    best = f.var("best", "number", f.index(nums, 0))
    with f.for_each(nums, "num") as num, f.if_(f.gt(num, best)):
        f.set(best, num)
    f.return_(best)


def min_body(f: Function, nums: Ref) -> None:
    with f.if_(f.eq(f.len(nums), 0)):
        f.return_(None)
    f.return_(f.min(nums))


def _count_body(predicate: str):
    """Count the elements x with predicate(x, other)."""

    def body(f: Function, items: Ref, other: Ref) -> None:
        count = f.var("count", "int", 0)
        with f.for_each(items, "item") as item, f.if_(f.op(predicate, item, other)):
            f.set(count, f.add(count, 1))
        f.return_(count)

    return body


def _sum_of_squares_body(f: Function, nums: Ref) -> None:
    total = f.var("total", "number", 0)
    with f.for_each(nums, "num") as num:
        f.set(total, f.add(total, f.mul(num, num)))
    f.return_(total)


def _number_lists(rng) -> list[list]:
    return [[[]], [[7]], [[-3, -1, -2]], [[1.5, 2.5, -0.25]], *([numbers(rng)] for _ in range(4))]


def _with_target(rng) -> list[list]:
    out = [[[], 3], [[3], 3], [[1, 2, 3, 2, 2], 2], [[5, 6], 7]]
    for _ in range(4):
        items = ints(rng, -3, 3)
        out.append([items, rng.choice(items) if rng.random() < 0.7 else 9])
    return out


# -- searches ------------------------------------------------------------------------


def index_of_body(f: Function, items: Ref, target: Ref) -> None:
    with f.for_each(f.range(f.len(items)), "i") as i, f.if_(f.eq(f.index(items, i), target)):
        f.return_(i)
    f.return_(-1)


def contains_body(f: Function, items: Ref, target: Ref) -> None:
    with f.for_each(items, "item") as item, f.if_(f.eq(item, target)):
        f.return_(True)
    f.return_(False)


def _first_even_body(f: Function, nums: Ref) -> None:
    with f.for_each(nums, "num") as num, f.if_(f.eq(f.mod(num, 2), 0)):
        f.return_(num)
    f.return_(None)


def _last_index_body(f: Function, items: Ref, target: Ref) -> None:
    found = f.var("found", "int", -1)
    with f.for_each(f.range(f.len(items)), "i") as i, f.if_(f.eq(f.index(items, i), target)):
        f.set(found, i)
    f.return_(found)


def _longest_word_body(f: Function, items: Ref) -> None:
    longest = f.var("longest", "str", "")
    with f.for_each(items, "word") as word, f.if_(f.gt(f.len(word), f.len(longest))):
        f.set(longest, word)
    f.return_(longest)


def _binary_search_body(f: Function, items: Ref, target: Ref) -> None:
    low = f.var("low", "int", 0)
    high = f.var("high", "int", f.sub(f.len(items), 1))
    with f.while_(f.le(low, high)):
        middle = f.var("middle", "int", f.floordiv(f.add(low, high), 2))
        value = f.var("value", "int", f.index(items, middle))
        with f.if_(f.eq(value, target)):
            f.return_(middle)
        with f.if_(f.lt(value, target)):
            f.set(low, f.add(middle, 1))
        with f.else_():
            f.set(high, f.sub(middle, 1))
    f.return_(-1)


def _binary_search(items: list, target: int) -> int:
    low, high = 0, len(items) - 1
    while low <= high:
        middle = (low + high) // 2
        if items[middle] == target:
            return middle
        if items[middle] < target:
            low = middle + 1
        else:
            high = middle - 1
    return -1


def _sorted_cases(rng) -> list[list]:
    out = [[[], 4], [[4], 4], [[1, 3, 5, 7, 9], 7], [[1, 3, 5, 7, 9], 1], [[1, 3, 5, 7, 9], 4], [[2, 4], 10]]
    for _ in range(3):
        items = sorted(set(ints(rng, -30, 30, rng.randint(1, 12))))
        out.append([items, rng.choice(items) if rng.random() < 0.7 else 31])
    return out


def _index_of(items: list, target: int) -> int:
    return items.index(target) if target in items else -1


def _last_index(items: list, target: int) -> int:
    return max((i for i, x in enumerate(items) if x == target), default=-1)


def _longest(items: list) -> str:
    longest = ""
    for w in items:
        if len(w) > len(longest):
            longest = w
    return longest


BEHAVIOURS = [
    function(
        "sum", "aggregate", "sum_list", "numbers: list[number]", "number",
        "Return the sum of a list of numbers (0 for an empty list).",
        ("add up all the numbers in a list", "compute the total of a list of numbers", "sum the elements of an array",
         "calculate the sum of a list of values", "get the total of all items in a number list"),
        _fold_body(0, "add"), _total, _number_lists, tags=("math", "list"),
    ),
    function(
        "product", "aggregate", "product_of_list", "numbers: list[number]", "number",
        "Return the product of a list of numbers (1 for an empty list).",
        ("multiply all the numbers in a list together", "compute the product of a list of numbers",
         "calculate the product of the elements of an array", "get the result of multiplying every value in a list"),
        _fold_body(1, "mul"), _product, _number_lists, tags=("math", "list"),
    ),
    function(
        "mean", "aggregate", "mean", "numbers: list[number]", "float?",
        "Return the arithmetic mean of a list of numbers, or null for an empty list.",
        ("compute the average of a list of numbers", "calculate the mean value of an array of numbers",
         "find the arithmetic mean of a list", "get the average of the values in a list", "average a list of numbers"),
        _mean_body, lambda nums: _total(nums) / len(nums) if nums else None, _number_lists, tags=("math", "statistics"),
    ),
    function(
        "max", "aggregate", "max_of_list", "numbers: list[number]", "number?",
        "Return the largest number in a list, or null when the list is empty.",
        ("find the largest number in a list", "return the maximum value of a list of numbers",
         "get the biggest element from an array", "determine the highest value in a list", "pick the max of a list of numbers"),
        max_body, lambda nums: max(nums) if nums else None, _number_lists, tags=("math", "list"),
    ),
    function(
        "min", "aggregate", "min_of_list", "numbers: list[number]", "number?",
        "Return the smallest number in a list, or null when the list is empty.",
        ("find the smallest number in a list", "return the minimum value of a list of numbers",
         "get the lowest element of an array", "determine the least value in a list of numbers"),
        min_body, lambda nums: min(nums) if nums else None, _number_lists, tags=("math", "list"),
    ),
    function(
        "count_occurrences", "aggregate", "count_occurrences", "items: list[int], target: int", "int",
        "Count how many times a value occurs in a list of integers.",
        ("count how many times a value appears in a list", "count the occurrences of a number in an array",
         "find how often an element occurs in a list", "tally the matches of a target value in a list"),
        _count_body("eq"), lambda items, target: sum(1 for x in items if x == target), _with_target, tags=("list",),
    ),
    function(
        "count_greater_than", "aggregate", "count_greater_than", "numbers: list[number], threshold: number", "int",
        "Count the numbers in a list that are greater than a threshold.",
        ("count the numbers above a threshold in a list", "count how many values in a list exceed a limit",
         "find how many elements are greater than a given number", "tally the entries larger than a cutoff"),
        _count_body("gt"), lambda nums, t: sum(1 for x in nums if x > t), _with_target, tags=("list",),
    ),
    function(
        "sum_of_squares", "aggregate", "sum_of_squares", "numbers: list[number]", "number",
        "Return the sum of the squares of a list of numbers.",
        ("add up the squares of the numbers in a list", "compute the sum of squares of a list",
         "square every number in a list and total them", "calculate the sum of each value squared"),
        _sum_of_squares_body, lambda nums: _total([x * x for x in nums]), _number_lists, tags=("math",),
    ),
    function(
        "index_of", "search", "index_of", "items: list[int], target: int", "int",
        "Return the index of the first occurrence of a value in a list, or -1 when it is absent.",
        ("find the position of a value in a list", "return the index of the first matching element",
         "locate an element in an array and give its index", "search a list for a number and return where it is"),
        index_of_body, _index_of, _with_target, tags=("list", "search"),
    ),
    function(
        "contains", "search", "contains_value", "items: list[int], target: int", "bool",
        "Tell whether a list of integers contains a given value.",
        ("check whether a list contains a value", "test if a number is present in an array",
         "determine whether an element occurs in a list", "see if a list includes a given item"),
        contains_body, lambda items, target: target in items, _with_target, tags=("list", "search"),
    ),
    function(
        "first_even", "search", "first_even", "numbers: list[int]", "int?",
        "Return the first even number in a list, or null when there is none.",
        ("find the first even number in a list", "return the first element divisible by two",
         "get the earliest even value from an array", "search a list for its first even integer"),
        _first_even_body, lambda nums: next((x for x in nums if x % 2 == 0), None),
        lambda rng: [[[]], [[1, 3, 5]], [[3, 4, 6]], [[-2]], *([ints(rng)] for _ in range(4))], tags=("list", "search"),
    ),
    function(
        "last_index_of", "search", "last_index_of", "items: list[int], target: int", "int",
        "Return the index of the last occurrence of a value in a list, or -1 when it is absent.",
        ("find the last position of a value in a list", "return the index of the final matching element",
         "locate the last occurrence of a number in an array", "search a list backwards for an element's index"),
        _last_index_body, _last_index, _with_target, tags=("list", "search"),
    ),
    function(
        "longest_word", "search", "longest_word", "words: list[str]", "str",
        "Return the longest string in a list (the first one on ties, \"\" for an empty list).",
        ("find the longest word in a list", "return the longest string from an array of strings",
         "pick the word with the most characters", "get the lengthiest entry of a list of words"),
        _longest_word_body, _longest, lambda rng: [[[]], [["", ""]], [["ab", "cd"]], *([words(rng)] for _ in range(4))],
        tags=("string", "search"),
    ),
    function(
        "binary_search", "search", "binary_search", "sorted_numbers: list[int], target: int", "int",
        "Find a value in a sorted list by binary search and return its index, or -1 when it is absent.",
        ("search a sorted list with binary search", "find the index of a value in a sorted array by bisection",
         "locate a number in an ordered list in logarithmic time", "perform a binary search for a target value"),
        _binary_search_body, _binary_search, _sorted_cases, complexity="O(log n)", tags=("list", "search", "algorithm"),
    ),
]
