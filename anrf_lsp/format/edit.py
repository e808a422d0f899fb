"""One text edit: old text [start, old_end) became new text [start, new_end). Kept apart from
format/incremental.py, whose imports (the model, pydantic) the language server's text sync must
not pay for before it has answered `initialize`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Edit:
    """Old text [start, old_end) became new text [start, new_end)."""

    start: int
    old_end: int
    new_end: int

    @property
    def delta(self) -> int:
        return self.new_end - self.old_end

    def then(self, later: Edit) -> Edit:
        """This edit followed by `later` (whose offsets are in the text this edit made), as one edit."""
        new_end = later.new_end if self.new_end <= later.old_end else self.new_end + later.delta
        start = min(self.start, later.start)
        return Edit(start, new_end - self.delta - later.delta, new_end)
