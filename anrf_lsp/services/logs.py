"""Structured logs of the service: one JSON object per line on stderr (and optionally a file),
every line carrying the request id of the request it belongs to.

The request id lives in a contextvar: asyncio tasks and anyio worker threads copy the context,
so lines logged by model, checker or DB code running in a thread carry it too."""

from __future__ import annotations

import contextvars
import json
import logging
import logging.handlers
import os
import re
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .security import JsonAnswer, header

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("anrf_request_id", default=None)
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
# Fields a caller may attach with `logger.info("...", extra={...})`; they become JSON keys.
EXTRA_FIELDS = ("method", "path", "route", "status", "ms", "client", "apiKey", "anrfId", "version", "generationId", "detail")
_LEVELS = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}


def request_id_from(header: str | None) -> str:
    """The client's X-Request-ID when it is a sane token (no spaces, control chars or log injection), else a new uuid."""
    if header and _VALID_REQUEST_ID.match(header):
        return header
    return str(uuid.uuid4())


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "requestId": getattr(record, "requestId", None) or request_id_var.get(),
        }
        for key in EXTRA_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(level: str = "info", log_file: str | None = None) -> None:
    """JSON lines to stderr (and `log_file`) for our loggers, uvicorn's and everything else."""
    formatter = JsonFormatter()
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(log_file, maxBytes=20_000_000, backupCount=3, encoding="utf-8"))
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(_LEVELS.get(level, logging.INFO))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True


class RequestLogMiddleware:
    """Outermost middleware: a request id for every request (client's X-Request-ID if sane, else a
    uuid; echoed back), one access line per request, metrics by route template, and a JSON 500
    for anything unhandled (logged with its traceback, never shown to the client)."""

    def __init__(self, app: ASGIApp, on_done: Callable[[str, str | None, int, float], None]) -> None:
        self.app, self.on_done = app, on_done

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(header(scope, "x-request-id"))
        token = request_id_var.set(request_id)
        started, status, response_started = time.perf_counter(), 500, False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logging.getLogger("anrf_lsp.services").exception("unhandled error")
            if response_started:
                raise
            await JsonAnswer({"error": "internal server error", "requestId": request_id}, status_code=500,
                               headers={"X-Request-ID": request_id})(scope, receive, send)
            status = 500
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path_format", None)
            self.on_done(scope["method"], route, status, seconds)
            logging.getLogger("anrf_lsp.services.access").info(
                "request", extra={"method": scope["method"], "path": scope["path"], "route": route, "status": status,
                                  "ms": round(seconds * 1000, 2), "client": (scope.get("client") or ("?",))[0],
                                  "apiKey": scope.get("state", {}).get("api_key_id")})
            request_id_var.reset(token)
