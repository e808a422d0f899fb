"""docs/checks.md, generated from the check catalog (each code's entry is defined beside its rule):
`python -m checkers.docs > docs/checks.md`; tests/test_check_catalog.py keeps the file in sync."""

from __future__ import annotations

import sys

INTRO = """Every finding has a stable `code`, a `severity` (error | warning | info), a `message`, a JSON `pointer` to the value at fault and a 0-based LSP-style `range`. `anrf check` exits 1 when any finding is an error.

Each section shows a failing excerpt and the passing fix. Excerpts show only the part of the document that matters."""


def render() -> str:
    from checkers import catalog

    parts = ["# ANRF check catalog", "", INTRO, ""]
    for check in catalog().values():
        parts += ["", f"## {check.code}: {check.title}", "", f"Default severity: **{check.severity}**. Group: `{check.group}`.", "", check.doc, ""]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(render())
