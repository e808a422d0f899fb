"""Access control and abuse limits, as plain ASGI middleware (no BaseHTTPMiddleware: it breaks
contextvars and streaming): API keys, a per-key token-bucket rate limit and a body-size limit
that counts the bytes actually received rather than trusting Content-Length."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import time
from collections.abc import Callable, Iterable

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_KEY_HEADER = "x-api-key"
# Paths anyone may read: probes and the API description.
OPEN_PATHS = frozenset({"/healthz", "/readyz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


class JsonAnswer(JSONResponse):
    """JSON whose bytes are always UTF-8: a lone surrogate echoed from a request (a finding's message quoting
    the value) is written as a \\u escape instead of failing the response with a 500."""

    def render(self, content: object) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JsonAnswer:
    return JsonAnswer({"error": message}, status_code=status, headers=headers)


class KeyChecker:
    """Constant-time comparison against every configured key (no early exit on a match, so timing
    says nothing about which key or how much of it matched)."""

    def __init__(self, keys: Iterable[str]):
        self._keys = [k.encode("utf-8") for k in keys]

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    def identify(self, presented: str | None) -> str | None:
        """A short, loggable id of the matching key (never the key itself), or None."""
        if presented is None:
            return None
        given = presented.encode("utf-8", "surrogateescape")
        match = None
        for key in self._keys:
            if hmac.compare_digest(given, key) and match is None:
                match = key
        return None if match is None else "key-" + hashlib.sha256(match).hexdigest()[:10]


class TokenBucket:
    """`rate_per_minute` tokens per minute per identity, bursts up to `burst` (default: the same number)."""

    MAX_IDENTITIES = 10_000

    def __init__(self, rate_per_minute: float, burst: float | None = None, clock: Callable[[], float] = time.monotonic):
        self.rate = rate_per_minute / 60.0
        self.burst = burst if burst is not None else max(1.0, rate_per_minute)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # identity -> (tokens, at)

    def take(self, identity: str) -> float:
        """0 when a token was taken, else the seconds until one is available."""
        now = self._clock()
        tokens, at = self._buckets.get(identity, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens >= 1.0:
            self._store(identity, tokens - 1.0, now)
            return 0.0
        self._store(identity, tokens, now)
        return (1.0 - tokens) / self.rate

    def _store(self, identity: str, tokens: float, now: float) -> None:
        if len(self._buckets) >= self.MAX_IDENTITIES and identity not in self._buckets:
            # Forget idle identities (their buckets would be full again anyway).
            full_after = self.burst / self.rate
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}
        self._buckets[identity] = (tokens, now)


class AccessMiddleware:
    """401 without a valid X-API-Key (except OPEN_PATHS); then the rate limit (429 + Retry-After).
    Without keys (--no-auth on loopback) the client address is the rate-limit identity."""

    def __init__(self, app: ASGIApp, keys: KeyChecker, limiter: TokenBucket | None, on_limited: Callable[[], None] = lambda: None):
        self.app, self.keys, self.limiter, self.on_limited = app, keys, limiter, on_limited

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        identity = None
        if self.keys.enabled:
            presented = header(scope, API_KEY_HEADER)
            identity = self.keys.identify(presented)
            if identity is None:
                message = "missing X-API-Key header" if presented is None else "invalid API key"
                await error_response(401, message, {"WWW-Authenticate": "ApiKey"})(scope, receive, send)
                return
        else:
            client = scope.get("client")
            identity = f"client-{client[0]}" if client else "client-unknown"
        scope.setdefault("state", {})["api_key_id"] = identity
        if self.limiter is not None:
            wait = self.limiter.take(identity)
            if wait > 0:
                self.on_limited()
                await error_response(429, "rate limit exceeded", {"Retry-After": str(max(1, math.ceil(wait)))})(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"request body larger than {limit} bytes")


class BodyLimitMiddleware:
    """413 when the declared Content-Length or the bytes received exceed `max_bytes`. Raising a
    Starlette HTTPException from `receive` makes FastAPI's body parsing re-raise it, so it reaches
    the app's error handler as a 413 (not a 400 "error parsing the body")."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = header(scope, "content-length")
        if declared is not None and (not (declared.isascii() and declared.isdigit()) or int(declared) > self.max_bytes):
            status, message = (413, f"request body larger than {self.max_bytes} bytes") if declared.isascii() and declared.isdigit() else (400, "bad Content-Length")
            await error_response(status, message, {"Connection": "close"})(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await error_response(413, str(exc.detail), {"Connection": "close"})(scope, receive, send)


def header(scope: Scope, name: str) -> str | None:
    """A request header from an ASGI scope (`name` in lower case)."""
    raw = name.encode("latin-1")
    for key, value in scope.get("headers", ()):
        if key.lower() == raw:
            return value.decode("latin-1")
    return None
