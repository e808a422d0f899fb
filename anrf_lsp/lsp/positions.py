"""Code-point positions (what the core speaks) <-> LSP positions in the negotiated
encoding (UTF-16 for most clients, UTF-8 or UTF-32 for some).

ASCII text, the common case even for 50 MB documents, needs no conversion at all;
otherwise only the line in question is measured.
"""

from __future__ import annotations

from lsprotocol import types

from anrf_lsp.format.findings import Position
from anrf_lsp.format.findings import Range as CoreRange
from anrf_lsp.format.jsonsource import SourceMap, Span


def _units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf16:
        return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
    return len(text)


def column_offset(line: str, character: int, encoding: str) -> int:
    """Code points into `line` that `character` code units in `encoding` reach (clamped)."""
    if encoding == types.PositionEncodingKind.Utf32 or line.isascii():
        return min(max(character, 0), len(line))
    used = 0
    for i, ch in enumerate(line):
        if used >= character:
            return i
        used += _units(ch, encoding)
    return len(line)


class TextPositions:
    """Conversions for one version of one document."""

    def __init__(self, source: SourceMap, encoding: str = types.PositionEncodingKind.Utf16):
        self.source = source
        self.text = source.text
        self.encoding = encoding
        self.identity = encoding == types.PositionEncodingKind.Utf32 or self.text.isascii()
        self._line_starts: list[int] | None = None

    def _line_start(self, line: int) -> int:
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        line = min(max(line, 0), len(self._line_starts) - 1)
        return self._line_starts[line]

    def to_client(self, pos: Position) -> types.Position:
        if self.identity:
            return types.Position(line=pos.line, character=pos.character)
        start = self._line_start(pos.line)
        return types.Position(line=pos.line, character=_units(self.text[start : start + pos.character], self.encoding))

    def range_to_client(self, rng: CoreRange) -> types.Range:
        return types.Range(start=self.to_client(rng.start), end=self.to_client(rng.end))

    def span_to_client(self, span: Span) -> types.Range:
        return self.range_to_client(self.source.range(span))

    def offset(self, pos: types.Position) -> int:
        """The code-point offset of a client position (clamped to the text)."""
        if self.identity:
            return self.source.offset(Position(pos.line, pos.character))
        start = self._line_start(pos.line)
        assert self._line_starts is not None
        if pos.line >= len(self._line_starts):
            return len(self.text)
        end = self.text.find("\n", start)
        return start + column_offset(self.text[start : end if end >= 0 else len(self.text)], pos.character, self.encoding)
