"""Markdown rendering of the operation table, so docs/execution.md never drifts from `OPS`.

Regenerate the table in the docs with: python -m anrf_lsp.execution.optable docs/execution.md
"""

from __future__ import annotations

import re
import sys

from .ops import OPS

START, END = "<!-- optable:start -->", "<!-- optable:end -->"


def render_table() -> str:
    rows = [
        "| operation | category | inputs | operand → result kinds | control edges out | properties | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec in OPS.values():
        sigs = "<br>".join(s.render() for s in spec.signatures) or "—"
        edges = ", ".join(f"`{e}`" for e in spec.control_edges) or "none (ends the path)"
        props = "<br>".join(f"`{k}`: {v}" for k, v in spec.properties.items()) or "—"
        meaning = spec.doc + (" *Statement only.*" if spec.statement_only else "") + (" *Linear in its first operand.*" if spec.linear else "")
        rows.append(f"| `{spec.name}` | {spec.category} | {spec.arity_text()} | {sigs} | {edges} | {props} | {meaning} |")
    return "\n".join(rows)


def replace_table(markdown: str) -> str:
    block = f"{START}\n{render_table()}\n{END}"
    return re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: block, markdown, flags=re.DOTALL)


if __name__ == "__main__":
    path = sys.argv[1]
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(replace_table(text))
