"""Server logging: a rotating file under the platformdirs log dir, and the client's
window/logMessage. Never stdout, which carries the protocol in stdio mode."""

from __future__ import annotations

import logging
import logging.handlers
import os
from collections.abc import Callable

from lsprotocol import types

OUR_LOGGERS = ("anrf_lsp", "checkers")
_LEVELS = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}
_MESSAGE_TYPES = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
    logging.DEBUG: types.MessageType.Log,
}


def default_log_file() -> str:
    from platformdirs import user_log_dir

    return os.path.join(user_log_dir("anrf-lsp", appauthor=False), "anrf-lsp.log")


class ClientLogHandler(logging.Handler):
    """Forwards our own log records to the client (pygls' records stay in the file:
    forwarding them would log every message the forwarding itself sends)."""

    def __init__(self, send: Callable[[types.LogMessageParams], None]):
        super().__init__()
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        try:
            kind = _MESSAGE_TYPES.get(record.levelno, types.MessageType.Error if record.levelno > logging.ERROR else types.MessageType.Log)
            self._send(types.LogMessageParams(type=kind, message=self.format(record)))
        except Exception:  # noqa: BLE001 - logging must never raise into the caller
            self.handleError(record)


def configure(level: str, log_file: str | None, send_to_client: Callable[[types.LogMessageParams], None] | None) -> str | None:
    """(Re)configure logging; returns the log file in use (None when it cannot be opened)."""
    numeric = _LEVELS.get(level, logging.INFO)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_anrf", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG if numeric <= logging.DEBUG else logging.INFO)
    path = log_file or default_log_file()
    used: str | None = path
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        file_handler: logging.Handler = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        file_handler = logging.NullHandler()
        used = None
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    file_handler.setLevel(numeric)
    file_handler._anrf = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    logging.getLogger("pygls").setLevel(logging.WARNING if numeric > logging.DEBUG else logging.DEBUG)
    for name in OUR_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(numeric)
        for handler in list(logger.handlers):
            if isinstance(handler, ClientLogHandler):
                logger.removeHandler(handler)
        if send_to_client is not None:
            client = ClientLogHandler(send_to_client)
            client.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(client)
    return used
