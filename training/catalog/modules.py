"""Module behaviours: several functions in one document, some calling others.

Members reuse the function behaviours' specs (same body, reference and cases),
under the member's name; a few members exist only in modules because they call
a sibling (`mean` calls `total`, `lcm` calls `gcd`). Function names inside a
module are fixed; a request renames the module only.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from anrf_lsp.program.builder import Function, Program, Ref
from training.behaviour import Behaviour, BuildRequest, Case

from . import aggregates, numeric, strings, transforms  # noqa: F401 - importing them fills SPECS, which members come from
from .common import SPECS, FunctionSpec, params

Member = tuple[str, FunctionSpec, str]  # (function name, spec, behaviour key whose cases it reuses)


def module_behaviour(key: str, name: str, summary: str, phrases: tuple[str, ...], members: Sequence[Member],
                     tags: tuple[str, ...] = ()) -> Behaviour:
    """A module of `members`; its cases are a few of each member's behaviour cases."""
    all_tags = ("module", *tags)
    by_name = {member: spec for member, spec, _ in members}

    def build(request: BuildRequest) -> dict[str, Any]:
        program = Program(request, "module", tags=all_tags, summary=summary)
        for member, spec, _ in members:
            spec.emit(program, member)
        return program.build()

    def cases(rng: random.Random) -> list[Case]:
        from . import CATALOG  # the members' behaviours, for their case generators (imported late: CATALOG includes this module)

        out = []
        for member, _, source in members:
            picked = CATALOG[source].cases(rng)
            out += [Case(member, c.args) for c in rng.sample(picked, min(3, len(picked)))]
        return out

    return Behaviour(
        key=key, kind="module", name=name, category="module", summary=summary, phrases=phrases, params=(), return_type="any",
        build=build, cases=cases, reference=lambda case: by_name[case.function].expected(case.args), tags=all_tags,
    )


def _member(key: str, name: str | None = None) -> Member:
    spec = SPECS[key]
    return (name or spec.name, spec, key)


# -- members that call a sibling -----------------------------------------------------------


def _mean_via_total(f: Function, nums: Ref) -> None:
    with f.if_(f.eq(f.len(nums), 0)):
        f.return_(None)
    f.return_(f.div(f.call("total", nums), f.len(nums)))


def _spread_body(f: Function, nums: Ref) -> None:
    with f.if_(f.eq(f.len(nums), 0)):
        f.return_(None)
    f.return_(f.sub(f.call("max_of_list", nums), f.call("min_of_list", nums)))


def _lcm_via_gcd(f: Function, a: Ref, b: Ref) -> None:
    with f.if_(f.or_(f.eq(a, 0), f.eq(b, 0))):
        f.return_(0)
    f.return_(f.floordiv(f.abs(f.mul(a, b)), f.call("gcd", a, b)))


_MEAN = FunctionSpec("mean", params("numbers: list[number]"), "float?", _mean_via_total, SPECS["mean"].reference)
_SPREAD = FunctionSpec("spread", params("numbers: list[number]"), "number?", _spread_body,
                       lambda nums: max(nums) - min(nums) if nums else None)
_LCM = FunctionSpec("lcm", params("a: int, b: int"), "int", _lcm_via_gcd, numeric.lcm, complexity="O(log n)")

BEHAVIOURS = [
    module_behaviour(
        "string_utils_module", "string_utils",
        "Provide string utilities: reverse a string, count its vowels and words, capitalize its words and test for palindromes.",
        ("provide common string helper functions", "group utilities for reversing, capitalizing and analysing text",
         "collect helper functions for working with strings", "offer basic text processing functions such as counting vowels"),
        [_member("reverse_string"), _member("count_vowels"), _member("word_count"), _member("capitalize_words"), _member("is_palindrome")],
        tags=("string",),
    ),
    module_behaviour(
        "statistics_module", "statistics",
        "Provide statistics over lists of numbers: total, mean, maximum, minimum and spread (null for an empty list where undefined).",
        ("provide basic statistics for lists of numbers", "compute descriptive statistics such as mean, max and min",
         "group helpers for the total, average and range of a list", "offer simple statistical functions over numeric lists"),
        [_member("sum", "total"), ("mean", _MEAN, "mean"), _member("max"), _member("min"), ("spread", _SPREAD, "max")],
        tags=("math", "statistics"),
    ),
    module_behaviour(
        "math_utils_module", "math_utils",
        "Provide integer math helpers: gcd, lcm (through gcd), factorial, primality and integer powers.",
        ("provide integer math helpers like gcd, lcm and factorial", "group number theory functions together",
         "collect helpers for primes, powers and common divisors", "offer basic integer arithmetic utilities"),
        [_member("gcd"), ("lcm", _LCM, "lcm"), _member("factorial"), _member("is_prime"), _member("power")],
        tags=("math",),
    ),
    module_behaviour(
        "list_utils_module", "list_utils",
        "Provide list helpers: keep the even numbers, square every element, remove duplicates, test membership and find an index.",
        ("provide common list helper functions", "group utilities for filtering, mapping and searching lists",
         "collect helper functions for working with arrays", "offer basic list processing operations such as deduplication"),
        [_member("filter_even"), _member("square_all"), _member("unique"), _member("contains"), _member("index_of")],
        tags=("list",),
    ),
    module_behaviour(
        "unit_conversions_module", "unit_conversions",
        "Convert units: temperatures between Celsius and Fahrenheit, distances between kilometers and miles.",
        ("convert temperatures and distances between units", "provide metric and imperial unit conversions",
         "group converters between Celsius, Fahrenheit, kilometers and miles",
         "offer helpers that change measurements from one unit to another"),
        [_member("celsius_to_fahrenheit"), _member("fahrenheit_to_celsius"), _member("km_to_miles"), _member("miles_to_km")],
        tags=("conversion", "units"),
    ),
]
