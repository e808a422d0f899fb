"""Workspace symbols over every `*.anrf.json` under the workspace folders.

Files on disk are loaded once per (mtime, size) and only their symbols (with
client ranges) are kept, not the documents; open documents use the editor's
text. Runs in a worker thread.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from anrf_lsp.format.document import load_file

from .positions import TextPositions

SUFFIX = ".anrf.json"
SKIP_DIRS = {"node_modules", "__pycache__", "build", "dist", "venv", ".venv"}


@dataclass(frozen=True, slots=True)
class _Cached:
    stamp: tuple[float, int]
    symbols: list[tuple[Any, types.Range]]


class WorkspaceFiles:
    def __init__(self) -> None:
        self._roots: list[str] = []
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    def set_roots(self, roots: list[str]) -> None:
        self._roots = list(dict.fromkeys(roots))

    def forget(self, uri: str) -> None:
        from pygls.uris import to_fs_path

        path = to_fs_path(uri)
        with self._lock:
            self._cache.pop(path or uri, None)

    def files(self, limit: int) -> list[str]:
        out: list[str] = []
        for root in self._roots:
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
                out.extend(os.path.join(folder, f) for f in sorted(files) if f.endswith(SUFFIX))
                if len(out) >= limit:
                    return out[:limit]
        return out

    def symbols(self, query: str, open_docs: dict[str, Any], limit: int) -> list[tuple[str, types.Range, Any]]:
        """(uri, range, symbol) for every symbol matching `query`, open documents first."""
        from pygls.uris import from_fs_path, to_fs_path

        from anrf_lsp.language.navigation import workspace_symbols

        found: list[tuple[str, types.Range, Any]] = []
        open_paths = set()
        for uri, analysis in open_docs.items():
            open_paths.add(to_fs_path(uri))
            for s in workspace_symbols(analysis.doc, query):
                found.append((uri, analysis.positions.span_to_client(s.span), s))
        for path in self.files(limit):
            if path in open_paths:
                continue
            cached = self._load(path)
            if cached is None:
                continue
            uri = from_fs_path(path) or path
            for s, rng in cached.symbols:
                if _matches(query, s.name):
                    found.append((uri, rng, s))
        return found

    def _load(self, path: str) -> _Cached | None:
        from anrf_lsp.language.navigation import workspace_symbols

        try:
            st = os.stat(path)
        except OSError:
            return None
        stamp = (st.st_mtime, st.st_size)
        with self._lock:
            cached = self._cache.get(path)
        if cached is not None and cached.stamp == stamp:
            return cached
        doc = load_file(path)
        positions = TextPositions(doc.source)
        cached = _Cached(stamp, [(s, positions.span_to_client(s.span)) for s in workspace_symbols(doc, "")])
        with self._lock:
            self._cache[path] = cached
        return cached


def _matches(query: str, name: str) -> bool:
    from anrf_lsp.language.navigation import symbol_matches

    return symbol_matches(query, name)
