"""Incremental checking (checkers/incremental.py, format/incremental.py) against full checks.

The property: replay an edit session (random edits of the kinds typing makes: characters in ids,
names and values, whitespace, new members and elements, broken and mended syntax); after every
edit, whenever the incremental path answers, its findings are exactly a full check's of the same
text (codes, messages, pointers, ranges, related locations, data, order). Where it does not answer
the caller checks in full; the sessions also assert that it answers for most edits inside items,
so the property is not met by never answering.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anrf_lsp.format.document import load_document
from anrf_lsp.format.edit import Edit
from benchmarks.generate import make_document, make_text
from checkers import check_in_context, check_text
from checkers.incremental import State, prepare, recheck

from .conftest import EXAMPLES


def _state(text: str) -> State | None:
    doc = load_document(text)
    findings, ctx = check_in_context(doc)
    return prepare(doc, findings, ctx)


def _dicts(findings) -> list[dict]:
    return [f.to_dict() for f in findings]


def _performance_document() -> str:
    """Four functions under an O(n) constraint, with dead code: ANRF106 and ANRF301 findings to move around."""
    doc = make_document(60, dead_code=True)
    doc["intent"]["constraints"].append({"type": "security", "description": "no network access"})
    return json.dumps(doc, indent=2, ensure_ascii=False)


DOCUMENTS = {
    "functions": _performance_document(),
    "compact": json.dumps(make_document(40, dead_code=False)),  # one line: every edit is on the same line
    **{p.name.removesuffix(".anrf.json"): p.read_text() for p in sorted(EXAMPLES.glob("*/*.anrf.json"))},
}


def _random_edit(text: str, rnd: random.Random, step: int) -> tuple[str, Edit] | None:
    """One edit of the kind typing makes, or None when the text offers no place for it."""
    i = rnd.randrange(len(text))
    kind = rnd.random()
    if kind < 0.5:  # a character of an id, a name, a value or a key
        j = next((j for j in range(i, len(text)) if text[j].isalnum()), None)
        if j is None:
            return None
        new = rnd.choice("abxyz0189é")
        return text[:j] + new + text[j + 1 :], Edit(j, j + 1, j + 1)
    if kind < 0.65:  # whitespace after a comma or colon
        j = text.find(rnd.choice(",:"), i)
        ins = rnd.choice(["\n  ", " ", "\n"])
    elif kind < 0.8:  # a new member (a fresh key: a repeated key's position depends on lookup order)
        j = text.find("{", i)
        ins = rnd.choice(['"x{n}": 1, ', '"extra{n}": {{}}, ', '"note{n}": "é😀", ']).format(n=step)
    elif kind < 0.92:  # a new array element
        j = text.find("[", i)
        ins = rnd.choice(['"f0_e1", ', '"ghost", ', "1, "])
    else:  # a deleted character: usually broken syntax, mended by the next "undo"
        return text[:i] + text[i + 1 :], Edit(i, i + 1, i)
    if j < 0:
        return None
    return text[: j + 1] + ins + text[j + 1 :], Edit(j + 1, j + 1, j + 1 + len(ins))


def replay(text: str, seed: int, steps: int) -> tuple[int, int]:
    """Replay a session; assert incremental == full after every edit. Returns (incremental, full) counts."""
    rnd = random.Random(seed)
    state, clean = _state(text), text
    incremental = full = 0
    for step in range(steps):
        made = _random_edit(text, rnd, step)
        if made is None:
            continue
        new, edit = made
        got = recheck(state, edit, new) if state is not None else None
        if got is not None:
            assert _dicts(got.findings) == _dicts(check_text(new)), (seed, step, edit)
            incremental += 1
            state = got
        else:
            full += 1
            state = _state(new)
        text = new
        if state is None and rnd.random() < 0.7:  # the user undoes back to the last clean text, checked in full
            text, state = clean, _state(clean)
        if state is not None:
            clean = text
    return incremental, full


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(DOCUMENTS)), seed=st.integers(0, 2**32 - 1))
def test_incremental_findings_equal_a_full_check_after_every_edit(name, seed):
    replay(DOCUMENTS[name], seed, 40)


@pytest.mark.parametrize("name", ["functions", "compact", "sum"])
def test_most_edits_inside_items_are_checked_incrementally(name):
    incremental, full = replay(DOCUMENTS[name], 7, 150)
    assert incremental >= 0.25 * (incremental + full), (incremental, full)


def _edit(text: str, old: str, new: str, start: int = 0) -> tuple[str, Edit]:
    i = text.index(old, start)
    return text[:i] + new + text[i + len(old) :], Edit(i, i + len(old), i + len(new))


def test_an_edit_inside_a_node_rechecks_only_its_component():
    text = _performance_document()
    state = _state(text)
    assert state is not None and len(state.partition.members) == 4  # one component per function
    new, edit = _edit(text, '"name": "total"', '"name": "sum"', len(text) // 2)
    got = recheck(state, edit, new)
    assert got is not None and _dicts(got.findings) == _dicts(check_text(new))


def test_a_changed_operation_updates_the_performance_finding():
    """'eq' inside a for_each becomes 'contains' (linear in its first operand): O(n^2) now contradicts the O(n) constraint."""
    text = make_text(40, dead_code=False)
    state = _state(text)
    assert state is not None and state.costs is not None
    before = {f.code for f in check_text(text)}
    i = text.index('"operation": "eq"', len(text) // 2)
    new, edit = _edit(text, '"operation": "eq"', '"operation": "contains"', i)
    got = recheck(state, edit, new)
    assert got is not None
    assert "ANRF402" in {f.code for f in got.findings} and "ANRF402" not in before
    assert _dicts(got.findings) == _dicts(check_text(new))


@pytest.mark.parametrize(("old", "new", "why"), [
    ('"description": "', '"description": "X', "the header: every check reads it"),
    ('"node_id": "f1_e4"', '"node_id": "f1_e4b"', "a renamed node: its component may change"),
    ('"label": "numbers"', '"label": "values"', "a label: the symbol table is checked against it"),
    ('{\n        "node_id": "f1_e2"', '{ \n        "node_id": "f1_e2"', "the item's own bracket"),
    ('"sum_even_1"\n        }\n      },\n      {', '"sum_even_1"\n        }\n      }, {', "between two items"),
])
def test_edits_that_change_more_than_one_item_are_checked_in_full(old, new, why):
    text = make_text(40, dead_code=True)
    state = _state(text)
    assert state is not None
    changed, edit = _edit(text, old, new)
    assert recheck(state, edit, changed) is None, why


def test_documents_that_run_programs_are_not_incremental():
    doc = make_document(20)
    doc["intent"]["constraints"].append({"type": "safety", "description": "works on an empty list"})
    assert _state(json.dumps(doc, indent=2)) is None
    assert _state((EXAMPLES / "invalid" / "syntax_error.anrf.json").read_text()) is None


def test_composed_edits_are_one_edit():
    rnd = random.Random(5)
    for _ in range(2000):
        base = "".join(rnd.choice("ab\n") for _ in range(rnd.randint(0, 20)))
        text, total = base, None
        for _ in range(rnd.randint(1, 4)):
            s = rnd.randint(0, len(text))
            e = rnd.randint(s, len(text))
            ins = "x" * rnd.randint(0, 3)
            text, edit = text[:s] + ins + text[e:], Edit(s, e, s + len(ins))
            total = edit if total is None else total.then(edit)
        assert base[: total.start] + text[total.start : total.new_end] + base[total.old_end :] == text


def test_the_bench_document_of_ten_thousand_nodes_stays_incremental():
    """Thirty edits down a 10k-node document, each checked incrementally and equal to a full check at the end."""
    text = make_text(10_000, dead_code=True)
    state = _state(text)
    assert state is not None
    start = len(text) // 3
    for k in range(30):
        text, edit = _edit(text, '"name": "total"', f'"name": "t{k}"', start)
        state = recheck(state, edit, text)
        assert state is not None, k
        start = edit.new_end
    assert _dicts(state.findings) == _dicts(check_text(text))


def test_quick_fixes_vetted_incrementally_are_the_ones_a_full_check_vets():
    from anrf_lsp.language.quickfix import incremental_checker, quick_fixes

    text = make_text(2000, dead_code=True)
    i = text.index('"operation": "mod"', len(text) // 2)
    text = text[:i] + '"operation": "mdo"' + text[i + len('"operation": "mod"'):]
    state = _state(text)
    assert state is not None
    check = incremental_checker(state)
    targets = [f for f in state.findings if f.code == "ANRF205"] + [f for f in state.findings if f.code == "ANRF106"][:2]
    assert {f.code for f in targets} == {"ANRF205", "ANRF106"}
    for f in targets:
        full = quick_fixes(state.doc, f.code, f.pointer, f.data)
        fast = quick_fixes(state.doc, f.code, f.pointer, f.data, check)
        assert [(q.title, q.edits) for q in fast] == [(q.title, q.edits) for q in full]
    assert any(q.title == "Change to 'mod'" for f in targets for q in quick_fixes(state.doc, f.code, f.pointer, f.data, check))
