"""Programs a hostile or careless user could send to /execute, as ANRF documents built from Python
(anrf_lsp.program.python_import), for the service's limit tests and benchmarks/bench_hardening.py."""

from __future__ import annotations

from typing import Any

from anrf_lsp.program.python_import import import_python

SOURCES = {
    # A loop appending million-element lists: 8 MB more per step, 1.6 GB within the time limit unbounded.
    "memory-bomb": """
def bomb(n: int) -> int:
    out = []
    i = 0
    while i < n:
        out.append([0] * 1000000)
        i = i + 1
    return len(out)
""",
    # The same with strings, whose growth the interpreter does not count in elements of lists.
    "string-bomb": """
def bomb(n: int) -> int:
    out = []
    i = 0
    while i < n:
        out.append("x" * 1000000)
        i = i + 1
    return len(out)
""",
    # Never ends on its own: stopped by the step or the time limit.
    "spin": """
def spin(n: int) -> int:
    i = 0
    while i >= 0:
        i = i + n
    return i
""",
    # A result of n elements.
    "big-result": """
def big(n: int) -> list:
    return [7] * n
""",
    # A result of n strings of 800,000 characters: past the answer's size limit from n = 6.
    "big-text": """
def big(n: int) -> list:
    return ["abcdefgh" * 100000] * n
""",
}


def document(name: str) -> dict[str, Any]:
    """The ANRF document of SOURCES[name], stored under the id `name`."""
    return import_python(SOURCES[name], filename=f"{name.replace('-', '_')}.py", anrf_id=name)
