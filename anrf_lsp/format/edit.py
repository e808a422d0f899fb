"""One text edit: old text [start, old_end) became new text [start, new_end). Kept apart from
format/incremental.py, whose imports (the model, pydantic) the language server's text sync must
not pay for before it has answered `initialize`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


def edit_between(old: str, new: str) -> Edit:
    """The smallest edit that turns `old` into `new` (common prefix and suffix, compared in blocks at C speed)."""
    limit = min(len(old), len(new))
    start = _common(lambda i, j: old[i:j] == new[i:j], limit)
    tail = _common(lambda i, j: old[len(old) - j : len(old) - i] == new[len(new) - j : len(new) - i], limit - start)
    return Edit(start, len(old) - tail, len(new) - tail)


def _common(same: Any, limit: int) -> int:
    """Length of the common run `same(i, j)` reports, found by doubling blocks then halving them."""
    done, block = 0, 256
    while done < limit:
        step = min(block, limit - done)
        if same(done, done + step):
            done += step
            block *= 2
        elif step == 1:
            return done
        else:
            block = max(1, step // 2)
    return done
