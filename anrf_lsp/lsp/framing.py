"""Bounded reading of LSP frames from standard input.

pygls reads a frame's body with `stdin.read(Content-Length)`: a header announcing a terabyte made
the server allocate it and exit with MemoryError. Wrapped in `BoundedStdin`, a body larger than
`MAX_FRAME_BYTES` is not read: the frame is logged and skipped (its bytes, if any come, are read as
header lines, which match nothing, until the next real header), and the server keeps serving. A
header line is read at most `MAX_HEADER_BYTES` at a time."""

from __future__ import annotations

import logging
from typing import BinaryIO

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 256 * 1024 * 1024  # far above any document the server checks (its max file size is 20 MiB by default)
MAX_HEADER_BYTES = 64 * 1024
SKIPPED = b"null"  # what pygls is handed instead of an oversized body: it logs that it cannot handle it


class BoundedStdin:
    """The two calls pygls makes on stdin, bounded."""

    def __init__(self, raw: BinaryIO, max_frame: int = MAX_FRAME_BYTES):
        self.raw, self.max_frame = raw, max_frame

    def readline(self) -> bytes:
        return self.raw.readline(MAX_HEADER_BYTES)

    def read(self, n: int) -> bytes:
        if n > self.max_frame:
            log.error("skipped an LSP frame announcing %d bytes (more than %d): the client sent a bad Content-Length", n, self.max_frame)
            return SKIPPED
        return self.raw.read(n)
