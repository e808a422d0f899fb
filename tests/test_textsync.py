"""Text synchronization (anrf_lsp/lsp/textsync.py): ranged changes applied from a line anchor give
the text a whole-document recount gives, and the one edit they make together is right."""

from __future__ import annotations

import random

from lsprotocol import types

from anrf_lsp.lsp.textsync import apply_changes, line_start
from tests.lsp_support import position_at


def test_line_start_from_any_anchor_equals_counting_from_the_top():
    rnd = random.Random(3)
    for _ in range(500):
        text = "".join(rnd.choice("ab\n") for _ in range(rnd.randint(0, 60)))
        lines = text.count("\n") + 1
        anchor_line = rnd.randrange(lines)
        anchor = (anchor_line, line_start(text, anchor_line))
        for line in range(lines + 2):
            assert line_start(text, line, anchor) == line_start(text, line), (text, anchor, line)


def test_a_typing_session_applied_from_anchors_matches_the_editor():
    """Random ranged changes, each from the anchor the previous one left; the text equals the editor's."""
    rnd = random.Random(4)
    editor = "".join(rnd.choice("xy😀\n") for _ in range(400))
    server, anchor = editor, (0, 0)
    for _ in range(300):
        s = rnd.randrange(len(editor) + 1)
        e = min(len(editor), s + rnd.randint(0, 6))
        new = rnd.choice(["", "z", "\n", "é\n", "😀"])
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=position_at(editor, s), end=position_at(editor, e)), text=new)
        editor = editor[:s] + new + editor[e:]
        before = server
        server, edit, anchor = apply_changes(server, [change], types.PositionEncodingKind.Utf16, anchor)
        assert server == editor
        assert before[: edit.start] + server[edit.start : edit.new_end] + before[edit.old_end :] == server
