"""The rule-based constraint parser (anrf_lsp/intent/constraints.py): what it finds, with exact
spans and normalized formal specs, and what it must leave alone."""

from __future__ import annotations

import pytest

from anrf_lsp.intent.constraints import parse_constraints

# (text, span text, type, formal_spec): each text states exactly one constraint
POSITIVES = [
    # complexity classes
    ("Sum the list in O(n) time.", "O(n) time", "performance", "O(n)"),
    ("must be O(1)", "O(1)", "performance", "O(1)"),
    ("binary search, O(log n)", "O(log n)", "performance", "O(log n)"),
    ("lookups in O(log(n))", "O(log(n))", "performance", "O(log n)"),
    ("sort it in O(n log n)", "O(n log n)", "performance", "O(n log n)"),
    ("sort it in O(nlogn)", "O(nlogn)", "performance", "O(n log n)"),
    ("pairs in O(n^2)", "O(n^2)", "performance", "O(n^2)"),
    ("pairs in O(n²) time complexity", "O(n²) time complexity", "performance", "O(n^2)"),
    ("pairs in O(n*n)", "O(n*n)", "performance", "O(n^2)"),
    ("with O(N) complexity", "O(N) complexity", "performance", "O(n)"),
    ("graph walk in O(V + E)", "O(V + E)", "performance", "O(V + E)"),
    ("runs in linear time", "linear time", "performance", "O(n)"),
    ("answers in constant time", "constant time", "performance", "O(1)"),
    ("with logarithmic time complexity", "logarithmic time complexity", "performance", "O(log n)"),
    ("no worse than quadratic time", "no worse than quadratic time", "performance", "O(n^2)"),
    ("at worst quadratic", "at worst quadratic", "performance", "O(n^2)"),
    ("count them in a single pass", "a single pass", "performance", "O(n)"),
    # time budgets
    ("respond in under 50 ms", "in under 50 ms", "performance", "time<=50ms"),
    ("finish within 2 seconds", "within 2 seconds", "performance", "time<=2s"),
    ("at most 1.5s per call", "at most 1.5s", "performance", "time<=1.5s"),
    ("takes less than 500 microseconds", "less than 500 microseconds", "performance", "time<=500us"),
    ("latency 20ms or less", "20ms or less", "performance", "time<=20ms"),
    ("must not exceed 3 minutes", "must not exceed 3 minutes", "performance", "time<=3min"),
    # memory budgets and space
    ("use at most 10 MB of memory", "at most 10 MB of memory", "resource", "memory<=10MB"),
    ("no more than 512KB", "no more than 512KB", "resource", "memory<=512KB"),
    ("under 64 MiB of RAM", "under 64 MiB of RAM", "resource", "memory<=64MiB"),
    ("within 2 gigabytes", "within 2 gigabytes", "resource", "memory<=2GB"),
    ("O(1) extra space", "O(1) extra space", "resource", "space=O(1)"),
    ("space complexity of O(n)", "O(n)", "resource", "space=O(n)"),
    ("with constant memory", "constant memory", "resource", "space=O(1)"),
    # safety
    ("handle empty lists", "handle empty lists", "safety", "handles_empty"),
    ("Handle empty arrays gracefully", "Handle empty arrays gracefully", "safety", "handles_empty"),
    ("works with an empty string", "works with an empty string", "safety", "handles_empty"),
    ("never crash on empty input", "never crash on empty input", "safety", "handles_empty"),
    ("never crash on null", "never crash on null", "safety", "null_safe"),
    ("handle None values", "handle None values", "safety", "null_safe"),
    ("it must be null-safe", "null-safe", "safety", "null_safe"),
    ("check bounds", "check bounds", "safety", "bounds_checked"),
    ("check the array bounds first", "check the array bounds", "safety", "bounds_checked"),
    ("with bounds checking", "bounds checking", "safety", "bounds_checked"),
    ("never index out of range", "never index out of range", "safety", "bounds_checked"),
    ("avoid division by zero", "avoid division by zero", "safety", "no_div_by_zero"),
    # security
    ("no network access", "no network access", "security", "no_network"),
    ("it must not touch the network", "must not touch the network", "security", "no_network"),
    ("without making network calls", "without making network calls", "security", "no_network"),
    ("must not touch the file system", "must not touch the file system", "security", "no_filesystem"),
    ("no filesystem access", "no filesystem access", "security", "no_filesystem"),
    ("validate inputs", "validate inputs", "security", "validates_input"),
    ("it should sanitize user input", "sanitize user input", "security", "validates_input"),
    ("never use eval", "never use eval", "security", "no_eval"),
    ("no shell commands", "no shell commands", "security", "no_subprocess"),
    # compatibility
    ("Python 3.8+", "Python 3.8+", "compatibility", "python>=3.8"),
    ("runs on Python 3.11", "Python 3.11", "compatibility", "python==3.11"),
    ("needs python3.9 or later", "python3.9 or later", "compatibility", "python>=3.9"),
    ("at least Python 3.7", "at least Python 3.7", "compatibility", "python>=3.7"),
    ("compatible with ES2017", "ES2017", "compatibility", "ecmascript==2017"),
    ("target ES6", "ES6", "compatibility", "ecmascript==2015"),
    ("ECMAScript 2020 or newer", "ECMAScript 2020 or newer", "compatibility", "ecmascript>=2020"),
    ("for Node 18+", "Node 18+", "compatibility", "node>=18"),
    ("standard library only", "standard library only", "compatibility", "stdlib_only"),
    ("no third-party dependencies", "no third-party dependencies", "compatibility", "stdlib_only"),
    # reliability
    ("must be deterministic", "deterministic", "reliability", "deterministic"),
    ("never raise", "never raise", "reliability", "no_raise"),
    ("it must not throw exceptions", "must not throw exceptions", "reliability", "no_raise"),
    ("without raising errors", "without raising errors", "reliability", "no_raise"),
    ("thread-safe please", "thread-safe", "reliability", "thread_safe"),
    ("safe to call from multiple threads", "safe to call from multiple threads", "reliability", "thread_safe"),
    ("a pure function", "pure function", "reliability", "pure"),
    ("with no side effects", "no side effects", "reliability", "pure"),
    ("must be idempotent", "idempotent", "reliability", "idempotent"),
    ("without modifying the original list", "without modifying the original list", "reliability", "no_input_mutation"),
    ("always terminates", "always terminates", "reliability", "terminates"),
]

# texts that state no constraint, though they look close
NEGATIVES = [
    "call FOO(n) twice",  # O(n) inside a word
    "use helper.O(n) from the lib",
    "wait 50 ms then retry",  # a duration with no budget verb
    "sleep for 2 seconds",
    "a 10 MB file",
    "at most 3 strings",  # "s" is not a unit inside a word
    "do a linear search",  # linear without time
    "solve a quadratic equation",
    "split the string on O(hello world)",
    "it doesn't need to be thread-safe",  # negated
    "does not handle empty lists",
    "the output is non-deterministic",
    "return the value of node 3 in the tree",  # lowercase node is not Node.js
    "accept none of them",
    "never throw away duplicates",
    "write python code",
    "validate the input string is a palindrome",
    "keep only even numbers",
    "count the empty slots",
    "",
]


@pytest.mark.parametrize(("text", "span", "type_", "spec"), POSITIVES)
def test_finds_each_constraint_with_its_exact_span(text: str, span: str, type_: str, spec: str) -> None:
    found = parse_constraints(text)
    assert len(found) == 1, found
    constraint, (start, end) = found[0]
    assert text[start:end] == span == constraint.description
    assert (constraint.type, constraint.formal_spec) == (type_, spec)


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing_in_look_alikes(text: str) -> None:
    assert parse_constraints(text) == []


def test_several_constraints_come_in_text_order() -> None:
    text = "Sort it in O(n log n), using at most 10 MB of memory; must be deterministic and Python 3.8+."
    found = parse_constraints(text)
    assert [(c.formal_spec, text[s:e]) for c, (s, e) in found] == [
        ("O(n log n)", "O(n log n)"),
        ("memory<=10MB", "at most 10 MB of memory"),
        ("deterministic", "deterministic"),
        ("python>=3.8", "Python 3.8+"),
    ]


def test_overlaps_keep_the_longest_match() -> None:
    # "never crash" alone would be no_raise; "never crash on null" is null safety
    [(constraint, _)] = parse_constraints("it should never crash on null input")
    assert (constraint.formal_spec, constraint.description) == ("null_safe", "never crash on null input")


def test_negation_stops_at_a_clause_boundary() -> None:
    found = parse_constraints("it never raises, deterministic and not slow")
    assert [c.formal_spec for c, _ in found] == ["no_raise", "deterministic"]
    assert parse_constraints("it is not deterministic") == []


def test_version_range_does_not_swallow_the_next_budget() -> None:
    found = parse_constraints("for Node.js 16 and up to 50 MB of memory")
    assert [(c.formal_spec, c.description) for c, _ in found] == [("node==16", "Node.js 16"), ("memory<=50MB", "up to 50 MB of memory")]
