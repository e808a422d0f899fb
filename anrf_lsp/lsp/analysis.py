"""Per-document analysis scheduling: debounced, off the event loop, never stale.

Why this shape:
- Checking a large document takes a while, so it runs in a worker thread and
  the event loop keeps answering hover, completion and cancellations meanwhile.
- Debounce with a leading edge: an edit after a quiet spell is checked at once
  (the user sees results as soon as possible); edits that follow within
  `debounce_ms` wait for a quiet spell of that length, so a typing burst costs
  one check, not one per keystroke.
- One check at a time per document, and a result is delivered only while its
  version is still the document's current one: an old result never overwrites
  a newer one.
- Features that need the current analysis (`current`) skip the debounce wait.
- Incremental: the edits since the last analysis are kept (composed into one `Edit`), and an
  analysis keeps the state checkers/incremental.py needs (built off the event loop after its
  result is out); an edit inside one item is then re-checked in milliseconds instead of
  re-loading and re-checking the whole document. Anything else is checked in full.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from anrf_lsp.format.document import Document, gc_paused, load_document
from anrf_lsp.format.findings import Finding
from anrf_lsp.format.jsonsource import SourceMap, Span
from anrf_lsp.settings import Settings

from .positions import TextPositions

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Analysis:
    """One version of one document, loaded and checked."""

    uri: str
    version: int | None
    doc: Document
    findings: list[Finding]
    positions: TextPositions
    seconds: float = 0.0
    incremental: bool = False  # re-checked incrementally (else loaded and checked in full)
    state: Any = None  # checkers.incremental.State, once prepared (None: not incremental)
    unfiltered: list[Finding] | None = None  # the findings before settings.ignore (what `prepare` needs)
    context: Any = None  # the CheckContext of a full check, until `prepare` used it

    @cached_property
    def index(self) -> Any:
        """Id definitions and references (built on first use by a navigation feature)."""
        from anrf_lsp.language.index import build_index

        return build_index(self.doc)


def analyze(uri: str, version: int | None, text: str | bytes, settings: Settings, encoding: str,
            previous: Analysis | None = None, edit: Any = None) -> Analysis:
    """Load and check one text (or a file's bytes: invalid UTF-8 is then reported as ANRF100); with the
    previous analysis and the edit since it, incrementally where the edit allows.
    Never raises: an internal error becomes an ANRF000 finding."""
    from checkers import check_in_context

    started = time.perf_counter()
    if previous is not None and previous.state is not None and edit is not None and isinstance(text, str):
        found = _recheck(previous, edit, text)
        if found is not None:
            findings = [f for f in found.findings if f.code not in settings.ignore]
            return Analysis(uri, version, found.doc, findings, TextPositions(found.doc.source, encoding), time.perf_counter() - started,
                            incremental=True, state=found)
    path = uri_to_display_path(uri)
    unfiltered = context = None
    if len(text) > settings.max_file_bytes:
        doc = _placeholder(path, text if isinstance(text, str) else text.decode("utf-8", "replace"), f"document is larger than the {settings.max_file_size_mb:g} MiB limit "
                           "(setting maxFileSizeMb); not checked")
        findings = list(doc.findings)
    else:
        try:
            with gc_paused():  # one pause for load and check (see gc_paused)
                doc = load_document(text, path)
                unfiltered, context = check_in_context(doc)
                findings = [f for f in unfiltered if f.code not in settings.ignore]
        except Exception as exc:
            log.exception("internal error while checking %s", uri)
            doc = _placeholder(path, text if isinstance(text, str) else text.decode("utf-8", "replace"), f"internal error while checking this document: {type(exc).__name__}: {exc}")
            findings = list(doc.findings)
            unfiltered = context = None
    return Analysis(uri, version, doc, findings, TextPositions(doc.source, encoding), time.perf_counter() - started,
                    unfiltered=unfiltered, context=context)


def _recheck(previous: Analysis, edit: Any, text: str) -> Any:
    from checkers.incremental import recheck

    try:
        return recheck(previous.state, edit, text)
    except Exception:  # never worse than a full check
        log.exception("incremental check of %s failed; checking it in full", previous.uri)
        return None


def prepare_incremental(analysis: Analysis) -> None:
    """Build the state the next edit's incremental check starts from (in a worker thread, after the result is out)."""
    from checkers.incremental import prepare

    if analysis.unfiltered is None or analysis.context is None:
        return
    try:
        analysis.state = prepare(analysis.doc, analysis.unfiltered, analysis.context)
    except Exception:
        log.exception("preparing the incremental check of %s failed", analysis.uri)
    finally:
        analysis.unfiltered = analysis.context = None  # the context holds the graph and columns: free them

def _placeholder(path: str, text: str, message: str) -> Document:
    """A document that is not analysed: one ANRF000 finding at the start, no tree."""
    doc = Document(path=path, text=text, source=SourceMap(text, None, {}), model=None, syntax_ok=False, _tree=None)
    doc.findings.append(doc.finding("ANRF000", (), message, span=Span(0, min(1, len(text)))))
    return doc


def uri_to_display_path(uri: str) -> str:
    from pygls.uris import to_fs_path

    return to_fs_path(uri) or uri


@dataclass(eq=False)
class _Entry:
    version: int | None
    text: str
    last_change: float = 0.0
    latest: Analysis | None = None
    task: asyncio.Task | None = None  # the analysis of `version`, possibly still waiting out the debounce
    waiting: bool = False  # `task` is in its debounce sleep
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    closed: bool = False
    # (version, the edit that made it from the version before; None: unknown) since `latest`
    edits: list[tuple[int | None, Any]] = field(default_factory=list)
    preparing: asyncio.Future | None = None  # `latest`'s incremental state being built

    def edit_since(self, base: Analysis | None, version: int | None) -> Any:
        """The one edit from `base`'s text to `version`'s, when every step of the way is known."""
        if base is None or base.version is None or version is None:
            return None
        total = None
        for v, edit in self.edits:
            if v is None or v <= base.version:
                continue
            if v > version:
                break
            if edit is None:
                return None
            total = edit if total is None else total.then(edit)
        return total


class Analyzer:
    """Owns the open documents' analyses; `on_result` gets each fresh, current one."""

    def __init__(
        self,
        executor: Executor,
        settings: Callable[[], Settings],
        encoding: Callable[[], str],
        on_result: Callable[[Analysis], None],
    ):
        self._executor = executor
        self._settings = settings
        self._encoding = encoding
        self._on_result = on_result
        self._entries: dict[str, _Entry] = {}
        self.counts = {"incremental": 0, "full": 0}  # analyses delivered, by kind (anrf.status)

    def __contains__(self, uri: str) -> bool:
        return uri in self._entries

    def uris(self) -> list[str]:
        return list(self._entries)

    def text(self, uri: str) -> str:
        """The current text of an open document."""
        return self._entries[uri].text

    def version(self, uri: str) -> int | None:
        return self._entries[uri].version

    def changed(self, uri: str, version: int | None, text: str, edit: Any = None) -> None:
        """A new version of `uri` (didOpen/didChange, with the edit that made it when known): schedule its analysis."""
        now = time.monotonic()
        entry = self._entries.get(uri)
        if entry is None:
            entry = self._entries[uri] = _Entry(version, text)
            delay = 0.0
        else:
            quiet = now - entry.last_change
            entry.version, entry.text = version, text
            entry.edits.append((version, edit))
            debounce = self._settings().debounce_ms / 1000
            delay = 0.0 if quiet >= debounce else debounce
            if entry.task is not None and entry.waiting:
                entry.task.cancel()
        entry.last_change = now
        self._start(uri, entry, delay)

    def recheck_all(self) -> None:
        """Settings changed: analyse every open document again."""
        for uri, entry in self._entries.items():
            entry.latest = None
            self._start(uri, entry, 0.0)

    def closed(self, uri: str) -> None:
        """didClose: forget the document (its text and analyses are released)."""
        entry = self._entries.pop(uri, None)
        if entry is not None:
            entry.closed = True
            if entry.task is not None and entry.waiting:
                entry.task.cancel()

    def latest(self, uri: str) -> Analysis | None:
        """The newest finished analysis, whatever its version (for cheap, tolerant features)."""
        entry = self._entries.get(uri)
        return entry.latest if entry else None

    async def current(self, uri: str) -> Analysis | None:
        """The analysis of the current version (waits for it, skipping any debounce wait)."""
        while True:
            entry = self._entries.get(uri)
            if entry is None:
                return None
            if entry.latest is not None and entry.latest.version == entry.version:
                return entry.latest
            if entry.task is None or entry.task.done() or entry.waiting:
                if entry.task is not None and entry.waiting:
                    entry.task.cancel()
                self._start(uri, entry, 0.0)
            assert entry.task is not None
            await asyncio.shield(entry.task)

    def _start(self, uri: str, entry: _Entry, delay: float) -> None:
        entry.waiting = delay > 0
        entry.task = asyncio.get_running_loop().create_task(self._run(uri, entry, entry.version, delay))

    async def _run(self, uri: str, entry: _Entry, version: int | None, delay: float) -> None:
        if delay > 0:
            try:
                await asyncio.sleep(delay)
            except asyncio.CancelledError:
                return
        entry.waiting = False
        async with entry.lock:  # one analysis at a time per document
            if entry.closed or entry.version != version:
                return  # superseded while waiting
            loop = asyncio.get_running_loop()
            if entry.preparing is not None:
                await entry.preparing  # the previous analysis' incremental state (started right after its result)
            base = entry.latest
            result = await loop.run_in_executor(
                self._executor, analyze, uri, version, entry.text, self._settings(), self._encoding(), base, entry.edit_since(base, version)
            )
        if entry.closed or entry.version != version:
            log.debug("dropped the analysis of %s version %s: superseded", uri, version)
            return
        entry.latest = result
        self.counts["incremental" if result.incremental else "full"] += 1
        entry.edits = [(v, e) for v, e in entry.edits if v is None or version is None or v > version]
        log.debug("checked %s version %s in %.0f ms%s", uri, version, result.seconds * 1000, " (incremental)" if result.incremental else "")
        self._on_result(result)
        if result.state is None and result.unfiltered is not None:
            entry.preparing = loop.run_in_executor(self._executor, prepare_incremental, result)
        else:
            entry.preparing = None
