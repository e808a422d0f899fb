"""Hypothesis: no editor feature raises on any document or offset, and the fast
span search agrees with the exact source map on any valid document."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anrf_lsp.format.document import load_document
from anrf_lsp.language.completion import completions
from anrf_lsp.language.hover import hover
from anrf_lsp.language.index import build_index
from anrf_lsp.language.inlay import inlay_hints
from anrf_lsp.language.navigation import definition, references, target_at
from anrf_lsp.language.symbols import document_symbols, workspace_symbols

from .conftest import sum_doc
from .test_language_navigation import SUM_TEXT, site_rows

SNIPPETS = ["", ",", "}", "]", '"', "{", "[", ":", "null", "\n", '"exec_node_', '"node_id": ', '"inputs": [', "\\", "é", '"\\u0065"']
IDS = ["exec_node_1", "exec_node_4", "exec_node_9", "func_sum", "type_number", "", "x", "exec\\node", 'q"uote']


def exercise(text: str, offsets: list[int]) -> None:
    """Every feature at every offset; they must not raise, and spans must lie in the text."""
    doc = load_document(text)
    index = build_index(doc)
    n = len(text)
    for offset in offsets:
        site = target_at(doc, index, offset)
        spans = definition(doc, index, offset) + references(doc, index, offset, True)
        if site is not None:
            spans.append(site.span)
        card = hover(doc, index, offset)
        if card is not None:
            spans.append(card[1])
        found = completions(doc, index, offset)
        if found is not None:
            spans.append(found.replace_span)
            assert found.replace_span.start <= offset <= found.replace_span.end
        for span in spans:
            assert 0 <= span.start <= span.end <= n
    for symbol in document_symbols(doc, index):
        assert 0 <= symbol.span.start <= symbol.selection_span.start <= symbol.selection_span.end <= symbol.span.end <= n
    workspace_symbols(doc, "e", index)
    for hint in inlay_hints(doc, 0, n + 1, index):
        assert 0 <= hint.offset <= n


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_truncated_and_spliced_documents_never_raise(data):
    cut = data.draw(st.integers(0, len(SUM_TEXT)))
    snippet = data.draw(st.sampled_from(SNIPPETS))
    keep_from = cut + data.draw(st.integers(0, 8))
    text = SUM_TEXT[:cut] + snippet + (SUM_TEXT[keep_from:] if data.draw(st.booleans()) else "")
    offsets = data.draw(st.lists(st.integers(0, len(text)), min_size=1, max_size=6)) + [cut, len(text)]
    exercise(text, offsets)


def _mutate(raw: dict, rnd: random.Random) -> None:
    """Structural edits: ids and references changed, keys reordered, parts removed or retyped."""
    ex, sem = raw["execution"], raw["semantic"]
    for _ in range(rnd.randint(1, 4)):
        choice = rnd.randrange(8)
        node = rnd.choice(ex["nodes"]) if ex["nodes"] else None
        if choice == 0 and node:
            node["node_id"] = rnd.choice(IDS)
        elif choice == 1 and node:
            node[rnd.choice(["inputs", "outputs"])] = rnd.sample(IDS, rnd.randint(0, 3)) + ([5] if rnd.random() < 0.2 else [])
        elif choice == 2 and node:  # the id key moves, a property shadows it
            items = list(node.items())
            rnd.shuffle(items)
            node.clear()
            node.update(items)
            node.setdefault("properties", {})["node_id"] = rnd.choice(IDS)
        elif choice == 3 and sem["nodes"]:
            rnd.choice(sem["nodes"])["properties"] = {"type": rnd.choice(IDS), "return_type": rnd.choice([*IDS, 3])}
        elif choice == 4:
            sem["symbol_table"][rnd.choice(IDS)] = rnd.choice([*IDS, None])
        elif choice == 5 and ex["edges"]:
            del ex["edges"][rnd.randrange(len(ex["edges"]))]
        elif choice == 6:
            raw[rnd.choice(["semantic", "execution", "intent", "metadata"])] = rnd.choice([[], "x", None, {}])
        elif choice == 7 and sem["types"]:
            rnd.choice(sem["types"])["fields"] = [{"name": "f", "type_id": rnd.choice(IDS)}, "junk"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.sampled_from([None, 0, 1, 2]))
def test_fast_search_agrees_with_the_exact_map_on_mutated_documents(seed, indent):
    rnd = random.Random(seed)
    raw = sum_doc()
    _mutate(raw, rnd)
    text = json.dumps(raw, indent=indent, ensure_ascii=rnd.random() < 0.5)
    fast, exact = build_index(load_document(text)), build_index(load_document(text), exact=True)
    if not _shadowed(raw):  # a property holding the same key and id before the real one: the documented limit
        assert site_rows(fast) == site_rows(exact)
    exercise(text, [rnd.randrange(len(text) + 1) for _ in range(4)])


def _shadowed(raw: dict) -> bool:
    nodes = raw["execution"].get("nodes", []) if isinstance(raw.get("execution"), dict) else []
    return any(isinstance(n, dict) and isinstance(n.get("properties"), dict) and "node_id" in n["properties"] for n in nodes)
