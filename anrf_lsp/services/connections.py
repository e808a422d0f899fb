"""Connection limits uvicorn does not have: a deadline for a request's headers and one for its body,
and a cap on open connections.

uvicorn's h11 protocol times out only idle keep-alive connections; a client that sends part of a
request line, part of a body, or nothing at all holds its socket (and a file handle) for as long as
it likes, so 1,500 such clients held 1,500 handles. This subclass closes a connection that has not
sent its headers within `header_timeout` (408), or its body within `body_timeout` of the headers, and
answers 503 to connections beyond `max_connections` before closing them. Deadlines are fixed from the
first byte wanted, so trickling one byte at a time does not extend them."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("anrf_lsp.services")


def _raw_error(status: int, reason: str, message: str) -> bytes:
    """A whole HTTP/1.1 error response, for moments h11 cannot write one (no request read yet)."""
    body = json.dumps({"error": message}).encode("utf-8")
    head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
            "connection: close\r\n\r\n")
    return head.encode("ascii") + body


def guarded_protocol(max_connections: int, header_timeout: float, body_timeout: float) -> type[H11Protocol]:
    """uvicorn's `http=` protocol class with these limits."""

    class GuardedH11Protocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None
        _waiting_for: str | None = None  # "headers" | "body" | None

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                log.warning(f"connection refused: {len(self.connections) - 1} open connections (max {max_connections})")
                transport.write(_raw_error(503, "Service Unavailable", "too many open connections; retry later"))
                transport.close()
                return
            self._expect("headers")

        def connection_lost(self, exc: Exception | None) -> None:
            self._expect(None)
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._follow_state()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._follow_state()

        def _follow_state(self) -> None:
            """Arm the deadline for what the client owes us now (headers of the next request, a body), or none."""
            if self.transport is None or self.transport.is_closing():
                self._expect(None)
            elif self.conn.their_state is h11.SEND_BODY:
                self._expect("body")
            elif self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE and self.conn.trailing_data[0]:
                self._expect("headers")  # part of the next request is here: its headers are due (idle: keep-alive's timer)
            else:
                self._expect(None)

        def _expect(self, what: str | None) -> None:
            if what == self._waiting_for:
                return
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None
            self._waiting_for = what
            if what is not None:
                self._deadline = self.loop.call_later(header_timeout if what == "headers" else body_timeout, self._expired, what)

        def _expired(self, what: str) -> None:
            self._deadline, self._waiting_for = None, None
            if self.transport.is_closing():
                return
            seconds = header_timeout if what == "headers" else body_timeout
            log.info(f"connection closed: the request's {what} did not arrive within {seconds:g} s")
            if what == "headers":
                self.transport.write(_raw_error(408, "Request Timeout", f"the request's headers did not arrive within {seconds:g} s"))
            self.transport.close()

    return GuardedH11Protocol
