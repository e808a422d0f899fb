"""Size of the compact text form vs the ANRF JSON it assembles to, over the whole
catalog (default requests): what the generation model saves by writing the compact
form. Prints figures; asserts nothing.

    .venv/bin/python -m benchmarks.bench_compact
"""

from __future__ import annotations

import json
import time
from statistics import mean

from anrf_lsp.program.compact import assemble, to_compact
from training.catalog import CATALOG
from training.catalog.verify import default_request


def main() -> None:
    rows = []
    assemble_s = 0.0
    for behaviour in CATALOG.values():
        request = default_request(behaviour)
        doc = behaviour.build(request)
        text = to_compact(doc)
        start = time.perf_counter()
        assemble(text, request)
        assemble_s += time.perf_counter() - start
        compact_json = json.dumps(doc)
        indented_json = json.dumps(doc, indent=2)
        rows.append((behaviour.kind, len(text), len(text.split()), len(compact_json), len(compact_json.split()),
                     len(indented_json)))

    def report(label: str, chosen: list[tuple]) -> None:
        chars, words, jchars, jwords, ichars = (mean(r[i] for r in chosen) for i in range(1, 6))
        print(f"{label:<10} n={len(chosen):<3} compact {chars:7.0f} chars {words:6.0f} words | "
              f"json.dumps {jchars:7.0f} chars {jwords:6.0f} words (x{jchars / chars:.1f}, x{jwords / words:.1f}) | "
              f"indent=2 {ichars:7.0f} chars (x{ichars / chars:.1f})")

    print("average per document (default requests)")
    report("all", rows)
    for kind in ("function", "class", "module"):
        report(kind, [r for r in rows if r[0] == kind])
    print(f"assemble: {1000 * assemble_s / len(rows):.2f} ms per document on average")


if __name__ == "__main__":
    main()
