"""Intent comments and selections in any language (anrf_lsp.language.intent_comments)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anrf_lsp.language.intent_comments import (
    ANY,
    MAX_INTENT_CHARS,
    find_intents,
    intent_at,
    selection_intent,
    style_for,
)

REQUEST = "a function called biggest that returns the largest number in a list"


def _texts(source: str, language: str | None = None, uri: str | None = None) -> list[str]:
    return [i.text for i in find_intents(source, style_for(language, uri))]


@pytest.mark.parametrize(
    ("language", "source"),
    [
        ("python", f"import os\n\n# anrf: {REQUEST}\ndef f():\n    pass\n"),
        ("shellscript", f"#!/bin/sh\n  ## ANRF: {REQUEST}\necho hi\n"),
        ("javascript", f"const x = 1;\n// anrf: {REQUEST}\n"),
        ("typescript", f"/* anrf: {REQUEST} */\nexport {{}};\n"),
        ("go", f"package main\n\n/*\n * anrf: {REQUEST}\n */\nfunc main() {{}}\n"),
        ("rust", f"/// anrf: {REQUEST}\nfn main() {{}}\n"),
        ("lua", f"local x = 1 -- anrf: {REQUEST}\n"),
        ("lua", f"--[[ anrf: {REQUEST} ]]\n"),
        ("sql", f"SELECT 1;\n-- anrf: {REQUEST}\n"),
        ("markdown", f"# Title\n\n<!-- anrf: {REQUEST} -->\n\nText.\n"),
        ("markdown", f"# Title\n\nanrf: {REQUEST}\n\nText.\n"),
        ("plaintext", f"notes\n// anrf: {REQUEST}\n"),
        ("haskell", f"{{- anrf: {REQUEST} -}}\nmain = pure ()\n"),
    ],
)
def test_one_intent_per_language(language: str, source: str):
    assert _texts(source, language) == [REQUEST]


def test_line_comments_continue_until_a_blank_comment_line_or_code():
    source = (
        "# anrf: a function called biggest that returns\n"
        "#   the largest number in a list,\n"
        "#   in O(n) time\n"
        "#\n"
        "# unrelated note\n"
        "x = 1\n"
    )
    (intent,) = find_intents(source, style_for("python"))
    assert intent.text == "a function called biggest that returns the largest number in a list, in O(n) time"
    assert source[intent.start : intent.end] == source[: source.index("\n#\n")]


def test_a_new_marker_starts_a_new_intent_and_block_comments_span_lines():
    source = "// anrf: reverse a string\n// anrf: sum of a list\n/* anrf: first line\n   second line */\nint x;\n"
    intents = find_intents(source, style_for(None, "file:///w/a.c"))
    assert [i.text for i in intents] == ["reverse a string", "sum of a list", "first line second line"]
    assert source[intents[2].start : intents[2].end] == "/* anrf: first line\n   second line */"


def test_what_is_not_an_intent():
    assert _texts('s = "# anrf: not a comment"\n', "python") == []
    assert _texts("x = y  # see https://anrf:8080/\n", "python") == []
    assert _texts("# anrf:\n\nx = 1\n", "python") == []  # no text
    assert _texts("/* note: anrf: inside text */\n", "c") == []  # the marker must start the comment's text
    assert _texts("# anrf: hash comments are not Go comments\n", "go") == []
    assert _texts("sanrf: no\n", "plaintext") == []


def test_style_by_extension_and_fallback():
    assert style_for(None, "file:///w/x.py").line == ("#",)
    assert style_for("", "file:///w/notes") is ANY
    assert _texts(f"-- anrf: {REQUEST}\n", None, "untitled:Untitled-1") == [REQUEST]


def test_intent_at_covers_the_comment_lines():
    source = "x = 1\n# anrf: reverse\n#   a string\ny = 2\n"
    intents = find_intents(source, style_for("python"))
    assert intent_at(intents, source, source.index("a string")) is intents[0]
    assert intent_at(intents, source, source.index("# anrf")) is intents[0]
    assert intent_at(intents, source, source.index("y = 2")) is None
    assert intent_at(intents, source, 0) is None


def test_selections():
    source = "Some prose.\nWrite a function that reverses a string.\n"
    start = source.index("Write")
    sel = selection_intent(source, start, len(source), style_for("markdown"))
    assert sel is not None and sel.kind == "selection" and sel.text == "Write a function that reverses a string."
    code = "// anrf: reverse\n// a string\n"
    assert selection_intent(code, 0, len(code), style_for("javascript")).text == "reverse a string"
    assert selection_intent(source, 3, 3) is None and selection_intent(source, 0, 1 if source[0] == " " else 0) is None
    assert selection_intent("   \n  ", 0, 5) is None
    assert len(selection_intent("x" * 10_000, 0, 10_000).text) == MAX_INTENT_CHARS


_ALPHABET = st.sampled_from(list("ab #/*-<!>[]{}\n\t'\"`") + ["anrf:", "ANRF: x", "/*", "*/", "<!--", "-->", "--[[", "]]", "//", "\n# "])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_ALPHABET, max_size=60).map("".join), language=st.sampled_from(["python", "c", "lua", "markdown", "plaintext", None]))
def test_never_raises_and_ranges_lie_inside_the_text(text: str, language: str | None):
    style = style_for(language)
    previous_end = 0
    for intent in find_intents(text, style):
        assert 0 <= intent.start < intent.end <= len(text)
        assert intent.start >= previous_end  # in order, not overlapping
        previous_end = intent.end
        assert intent.text and intent.text == intent.text.strip() and "\n" not in intent.text
        assert intent_at([intent], text, intent.start) is intent


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), a=st.integers(-5, 210), b=st.integers(-5, 210))
def test_selection_never_raises(text: str, a: int, b: int):
    sel = selection_intent(text, a, b)
    if sel is not None:
        assert 0 <= sel.start < sel.end <= len(text) and sel.text.strip()
    find_intents(text)
