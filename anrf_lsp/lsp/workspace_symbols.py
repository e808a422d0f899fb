"""Workspace symbols over every `*.anrf.json` under the workspace folders.

Files on disk are loaded once per (mtime, size) and only their symbols (with
client ranges) are kept, not the documents; open documents use the editor's
text. Runs in a worker thread.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any, NamedTuple

from lsprotocol import types

from anrf_lsp.format.document import load_file

from .positions import TextPositions

SUFFIX = ".anrf.json"
SKIP_DIRS = {"node_modules", "__pycache__", "build", "dist", "venv", ".venv"}


class Located(NamedTuple):
    """A symbol with where it is (`name` first: what `best_matches` ranks by)."""

    name: str
    symbol: Any
    uri: str
    range: types.Range


@dataclass(frozen=True, slots=True)
class _Cached:
    stamp: tuple[float, int]
    symbols: list[Located]


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

    def symbols(self, query: str, open_docs: dict[str, Any], limit: int) -> list[Located]:
        """Symbols matching `query` across the workspace (open documents use the editor's text)."""
        from pygls.uris import to_fs_path

        from anrf_lsp.language.symbols import all_symbols, best_matches

        candidates: list[Located] = []
        open_paths = set()
        for uri, analysis in open_docs.items():
            open_paths.add(to_fs_path(uri))
            span_to_client = analysis.positions.span_to_client
            candidates.extend(Located(s.name, s, uri, span_to_client(s.span)) for s in all_symbols(analysis.index))
        for path in self.files(limit):
            if path not in open_paths:
                cached = self._load(path)
                candidates.extend(cached.symbols if cached else ())
        return best_matches(query, candidates)

    def _load(self, path: str) -> _Cached | None:
        from pygls.uris import from_fs_path

        from anrf_lsp.language.index import build_index
        from anrf_lsp.language.symbols import all_symbols

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
        uri = from_fs_path(path) or path
        cached = _Cached(stamp, [Located(s.name, s, uri, positions.span_to_client(s.span)) for s in all_symbols(build_index(doc))])
        with self._lock:
            self._cache[path] = cached
        return cached
