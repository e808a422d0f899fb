"""Python ⇄ ANRF as editor commands: `anrf.importPython` (a .py file → a new .anrf.json beside it)
and `anrf.exportPython` (an ANRF document → a new .py beside it).

The handlers are thin: the text comes from the open buffer (unsaved edits included) or the disk,
the translation runs off the event loop, and the new file is created through the editor. A file
that cannot be translated gets an error response naming the line and the construct; nothing is created.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import files

IMPORT_PYTHON_COMMAND = "anrf.importPython"
EXPORT_PYTHON_COMMAND = "anrf.exportPython"
MAX_SOURCE_BYTES = 4 * 1024 * 1024


def register(server: Any) -> None:
    """Add both commands to `server` (an AnrfLanguageServer: `off_loop` runs the translation in a thread)."""

    async def import_python(*args: Any) -> dict[str, Any]:
        """A Python file (its URI, or {"uri"}) as a new ANRF document beside it."""
        from anrf_lsp import pipeline

        uri, path = _target(args, IMPORT_PYTHON_COMMAND)
        text = await server.off_loop(_text, server, uri, path)
        doc = await server.off_loop(_import, text, path)
        out = _free(pipeline.imported_path(path), server)
        how = await _create(server, out, pipeline.document_text(doc), "ANRF: Import Python")
        return {"uri": from_fs_path(str(out)), "kind": doc["intent"]["intent_type"], "anrfId": doc["anrf_id"], "created": how}

    async def export_python(*args: Any) -> dict[str, Any]:
        """An ANRF document (its URI, or {"uri"}) as a new Python file beside it."""
        from anrf_lsp import pipeline

        uri, path = _target(args, EXPORT_PYTHON_COMMAND)
        text = await server.off_loop(_text, server, uri, path)
        source = await server.off_loop(_export, text, str(path))
        out = _free(pipeline.exported_path(path), server)
        how = await _create(server, out, source, "ANRF: Export Python")
        return {"uri": from_fs_path(str(out)), "created": how}

    server.command(IMPORT_PYTHON_COMMAND)(import_python)
    server.command(EXPORT_PYTHON_COMMAND)(export_python)


def _target(args: tuple[Any, ...], command: str) -> tuple[str, Path]:
    first = args[0] if args else None
    uri = first.get("uri") if isinstance(first, dict) else first
    path = to_fs_path(uri) if isinstance(uri, str) and uri else None
    if not path:
        raise ValueError(f"{command} needs a file URI argument")
    return uri, Path(path)


def _text(server: LanguageServer, uri: str, path: Path) -> str:
    """The open buffer's text, else the file's (UTF-8)."""
    from anrf_lsp import pipeline

    doc = server.workspace.text_documents.get(uri)
    return doc.source if doc is not None else pipeline.read_source(path, MAX_SOURCE_BYTES)


def _import(text: str, path: Path) -> dict[str, Any]:
    from anrf_lsp.program.python_import import PythonImportError, import_python

    try:
        return import_python(text, filename=path.name)
    except PythonImportError as exc:
        raise ValueError(f"{path.name}:{exc.line}:{exc.column}: {exc.message}") from None


def _export(text: str, path: str) -> str:
    from anrf_lsp.format.document import load_document
    from anrf_lsp.view.python import ExportError, to_python
    from checkers import check_document

    doc = load_document(text, path)
    errors = [f for f in check_document(doc) if f.severity == "error"] if doc.model is not None else []
    if doc.model is None or not doc.syntax_ok or errors:
        first = f": {errors[0].code} {errors[0].message}" if errors else ""
        raise ValueError(f"{os.path.basename(path)} has errors; fix them before exporting{first}")
    try:
        return to_python(doc.model)
    except ExportError as exc:
        raise ValueError(f"{os.path.basename(path)}: {exc}") from None


def _free(path: Path, server: LanguageServer) -> Path:
    """`path`, or `<stem>-2<suffix>`, ...: never a file on disk or open in the editor (the pipeline's naming policy)."""
    from anrf_lsp import pipeline

    try:
        return pipeline.free_path(path, {p for u in server.workspace.text_documents if (p := to_fs_path(u))})
    except FileExistsError as exc:
        raise ValueError(str(exc)) from None


async def _create(server: LanguageServer, path: Path, text: str, label: str) -> str:
    try:
        return await files.create_file(server, path, text, label)
    except files.FileNotCreated as exc:
        raise ValueError(str(exc)) from None
