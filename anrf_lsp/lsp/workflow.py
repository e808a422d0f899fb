"""The editor workflow (issue 8): intent comments and selections in any document -> code actions ->
generation off the event loop, with work-done progress and cancellation -> a WorkspaceEdit that
creates `<workspace>/anrf/<name>.anrf.json` -> inlay hint and hover on the comment; Accept/Reject
feedback on generated files.

Why it is shaped like this:
- The finding, linking and rendering are plain functions (`anrf_lsp.language.intent_comments`,
  `intent_links`, `hover`, `inlay`); this module only orchestrates them over the protocol.
- A generation is a `Job` with one cancel flag that every source of cancellation sets
  (`$/cancelRequest` of the command, `window/workDoneProgress/cancel` of its progress, the
  model's timeout), and that the decoder polls at every token, so a cancelled generation stops
  within a token or two and frees the model's slot.
- The comment <-> file link is written into the generated file (`intent.properties`), so after a
  restart opening the source document finds it again (a lazy, bounded scan of `<workspace>/anrf/`).
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from anrf_lsp.language import intent_comments, intent_links
from anrf_lsp.language.intent_comments import Intent
from anrf_lsp.language.intent_links import Link

from . import convert, files, textsync

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from anrf_lsp.settings import Settings

    from .analysis import Analysis, Analyzer
    from .models import ModelHost

log = logging.getLogger(__name__)

GENERATE_COMMAND = "anrf.generate"
ANALYZE_COMMAND = "anrf.analyzeIntent"
ACCEPT_COMMAND = "anrf.accept"
REJECT_COMMAND = "anrf.reject"
GENERATE_KIND = "refactor.anrf"  # code action kinds: Generate/Analyze/Regenerate (lightbulb menu)
FEEDBACK_KIND = "source.anrf"  # Accept/Reject: about the whole file (Source Action menu)
SCAN_INTERVAL_S = 5.0  # a document opened within this time of the last scan reuses it
MAX_ANALYSES = 256  # remembered "Analyze intent" results (for hover), and declines (for hints, hover, Generate anyway)
FORCE_TITLE = "ANRF: Generate anyway (best guess, not accepted)"

# The ExecuteCommandParams of the command being handled (pygls hands handlers only the arguments;
# the work-done token is in the params). Set by AnrfProtocol, read by the command handlers.
COMMAND_PARAMS: contextvars.ContextVar[types.ExecuteCommandParams | None] = contextvars.ContextVar("anrf_command_params", default=None)


class WorkflowError(RuntimeError):
    """A failure to tell the user as is (the message says what to do)."""


class CommandFailed(JsonRpcInternalError):
    """A command's error, already shown to the user: the answer's message is the plain reason (no
    "RuntimeError: anrf: ..." layers), and `data.shown` tells our clients not to show it a second time."""

    def __init__(self, message: str):
        super().__init__(message=message, data={"shown": True})


@dataclass
class Job:
    """One running generation and the flag that stops it."""

    id: str
    msg_id: Any
    token: types.ProgressToken | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    cancel_requested: float | None = None

    def stop(self, why: str) -> None:
        if not self.cancel.is_set():
            self.cancel_requested = time.monotonic()
            log.info("generation %s: cancel requested (%s)", self.id, why)
            self.cancel.set()


@dataclass
class Request:
    """What to generate: the intent text and where it came from."""

    text: str
    uri: str | None = None  # the document holding the comment/selection (or the ANRF file to regenerate)
    line: int = 0
    regenerate: bool = False
    force: bool = False  # "Generate anyway": the best guess, marked not accepted, instead of declining


@dataclass
class WorkflowHost:
    """What the workflow needs from the server it runs in, passed in (it reaches into nothing else)."""

    settings: Callable[[], Settings]
    encoding: Callable[[], str]  # the negotiated position encoding ("utf-16"...)
    models: ModelHost
    documents: Analyzer  # the open ANRF documents (their texts and URIs)
    check_new: Callable[[str, str], Awaitable[Analysis]]  # check a file that is not open yet, off the loop
    publish: Callable[[Analysis], None]  # its diagnostics, at once, where the client takes pushed ones
    markdown: Callable[[], bool]  # whether hover may be Markdown


class Workflow:
    """The generation workflow as a feature of the language server: `register` adds its commands and
    handlers; hover, inlay hints and code actions on intent comments are its contributions to the
    server's handlers. `ls` is only the connection to the client (messages, edits, progress)."""

    def __init__(self, connection: LanguageServer, host: WorkflowHost):
        self.ls = connection
        self.host = host
        self._jobs: dict[str, Job] = {}
        self._links: dict[str, Link] = {}  # generated file URI -> link (scanned, generated here, or from an open ANRF file)
        self._analyses: dict[tuple[str, str], dict[str, Any]] = {}  # (source URI, text hash) -> structured intent
        self._declines: dict[tuple[str, str], intent_links.Decline] = {}  # (source URI, text hash) -> why it was declined
        self._intents: dict[str, tuple[int | None, list[Intent]]] = {}  # open non-ANRF document -> (version, intents)
        self._reserved: set[str] = set()  # file paths handed to running generations
        self._scan_cache: dict[str, tuple[tuple[float, int], Link | None]] = {}
        self._last_scan = 0.0
        self._scanning: asyncio.Task | None = None

    def register(self, server: LanguageServer) -> None:
        """Add the workflow's commands and notifications to `server` (the handlers pygls calls)."""

        async def analyze(*args: Any) -> dict[str, Any]:
            """The structured intent of a text (the text, or {"text", "uri"?, "line"?} from the code action), by the
            intent model the settings name, or by the `anrf serve` instance at `server.url`."""
            return await self.analyze(args)

        async def generate(*args: Any) -> dict[str, Any]:
            """Intent -> generated, verified ANRF in a new `<workspace>/anrf/<name>.anrf.json` (the text, or
            {"text", "uri", "line"} from the code action, {"uri", "text", "regenerate": true} from an ANRF file)."""
            return await self.generate(args)

        async def accept(*args: Any) -> dict[str, Any]:
            """Record that a generated file (its URI, or {"uri"}) is right (as edited, when it was)."""
            return await self.feedback(args, accepted=True)

        async def reject(*args: Any) -> dict[str, Any]:
            """Record that a generated file is wrong (with the user's correction, when they edited it)."""
            return await self.feedback(args, accepted=False)

        for name, handler in ((ANALYZE_COMMAND, analyze), (GENERATE_COMMAND, generate), (ACCEPT_COMMAND, accept), (REJECT_COMMAND, reject)):
            server.command(name)(handler)
        server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)(lambda params: self.cancel_progress(params.token))

    # -- documents ----------------------------------------------------------------------------

    def document(self, uri: str) -> tuple[str, str, int | None] | None:
        """(text, languageId, version) of an open non-ANRF document."""
        doc = self.ls.workspace.text_documents.get(uri)
        if doc is None:
            return None
        return doc.source, doc.language_id or "", doc.version

    def intents(self, uri: str) -> tuple[str, list[Intent]] | None:
        """The document's text and intent comments (cached per version; none for documents over the size limit)."""
        found = self.document(uri)
        if found is None:
            return None
        text, language_id, version = found
        if len(text) > self.host.settings().max_file_bytes:
            return text, []
        cached = self._intents.get(uri)
        if cached is None or cached[0] != version or version is None:
            cached = self._intents[uri] = (version, intent_comments.find_intents(text, intent_comments.style_for(language_id, uri)))
        return text, cached[1]

    def opened(self, uri: str) -> None:
        """A non-ANRF document opened: when it has intent comments, look for their generated files (lazily)."""
        found = self.intents(uri)
        if found and found[1]:
            self.schedule_scan()

    def closed(self, uri: str) -> None:
        self._intents.pop(uri, None)

    def anrf_analyzed(self, uri: str, doc: Any, findings: list[Any]) -> None:
        """An open ANRF document was checked: when it is a generated file, its comment shows the current results.
        (A substring test first: `doc.tree` may parse the whole document, not a thing to do on the loop per edit.)"""
        if intent_links.SOURCE_SHA not in doc.text:
            return
        tree = doc.tree
        if intent_links.SOURCE_SHA not in intent_links.properties(tree):
            return
        link = intent_links.link_of(tree, uri, findings)
        old = self._links.get(uri)
        if link is not None:
            if old is not None:
                link.attempts, link.seconds = old.attempts, old.seconds
            self._links[uri] = link
            if old is None or intent_links.summary(old) != intent_links.summary(link):
                self._refresh_hints()

    # -- code actions ----------------------------------------------------------------------------

    def code_actions(self, uri: str, rng: types.Range, only: list[str] | None) -> list[types.CodeAction]:
        """Generate / Analyze for the intent comment under the cursor or the selection."""
        if only and not any(GENERATE_KIND.startswith(k) for k in only):
            return []
        found = self.intents(uri)
        if found is None:
            return []
        text, intents = found
        encoding = self.host.encoding()
        start, end = textsync.offset_at(text, rng.start, encoding), textsync.offset_at(text, rng.end, encoding)
        _, language_id, _ = self.document(uri) or ("", "", None)
        intent = None
        if end > start:
            intent = intent_comments.selection_intent(text, start, end, intent_comments.style_for(language_id, uri))
        if intent is None:
            intent = intent_comments.intent_at(intents, text, start)
        if intent is None:
            return []
        argument = {"uri": uri, "text": intent.text, "line": text.count("\n", 0, intent.start), "kind": intent.kind}
        short = intent_comments.clean(intent.text)[:60]
        actions = [
            convert.command_action("ANRF: Generate from intent", GENERATE_KIND, GENERATE_COMMAND, f"Generate ANRF: {short}", argument),
            convert.command_action("ANRF: Analyze intent", GENERATE_KIND, ANALYZE_COMMAND, f"Analyze: {short}", argument),
        ]
        declined = self._declines.get((uri, intent_links.text_hash(intent.text)))
        if declined is not None and declined.can_force:
            actions.insert(1, convert.command_action(FORCE_TITLE, GENERATE_KIND, GENERATE_COMMAND, f"Generate anyway: {short}",
                                                     {**argument, "force": True}))
        return actions

    def anrf_code_actions(self, uri: str, tree: Any, only: list[str] | None) -> list[types.CodeAction]:
        """Inside an ANRF file: Regenerate from intent (its description), Accept / Reject (generated files)."""
        if not isinstance(tree, dict):
            return []
        actions = []
        intent = tree.get("intent")
        description = intent.get("description") if isinstance(intent, dict) else None
        if isinstance(description, str) and description.strip() and (not only or any(GENERATE_KIND.startswith(k) for k in only)):
            actions.append(convert.command_action("ANRF: Regenerate from intent", GENERATE_KIND, GENERATE_COMMAND, "Regenerate ANRF",
                                                  {"uri": uri, "text": description, "regenerate": True}))
        meta = tree.get("metadata")
        if isinstance(meta, dict) and meta.get(intent_links.GENERATION_ID) and (not only or any(FEEDBACK_KIND.startswith(k) for k in only)):
            for title, command in (("ANRF: Accept generation", ACCEPT_COMMAND), ("ANRF: Reject generation", REJECT_COMMAND)):
                actions.append(convert.command_action(title, FEEDBACK_KIND, command, title, {"uri": uri}))
        return actions

    # -- hover and inlay hints on intent comments ---------------------------------------------------

    def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        from anrf_lsp.language.hover import intent_comment_card

        found = self.intents(uri)
        if not found or not found[1]:
            return None
        text, intents = found
        encoding = self.host.encoding()
        offset = textsync.offset_at(text, position, encoding)
        intent = next((i for i in intents if i.start <= offset <= i.end), None)
        if intent is None:
            return None
        sha = intent_links.text_hash(intent.text)
        link = intent_links.best_match(list(self._links.values()), uri, sha, text.count("\n", 0, intent.start))
        structured = (link.structured_intent if link else None) or self._analyses.get((uri, sha))
        markdown = intent_comment_card(intent.text, structured, link, self._declines.get((uri, sha)), _reading(structured))
        rng = types.Range(start=textsync.position_at(text, intent.start, encoding), end=textsync.position_at(text, intent.end, encoding))
        return convert.hover(markdown, rng, self.host.markdown())

    def inlay_hints(self, uri: str, rng: types.Range) -> list[types.InlayHint]:
        from anrf_lsp.language.inlay import intent_comment_hints

        found = self.intents(uri)
        if not found or not found[1] or not (self._links or self._declines):
            return []
        text, intents = found
        encoding = self.host.encoding()
        links = list(self._links.values())
        linked: list[tuple[Intent, Link | intent_links.Decline]] = []
        for intent in intents:
            sha = intent_links.text_hash(intent.text)
            link = intent_links.best_match(links, uri, sha, text.count("\n", 0, intent.start))
            if link is not None or (uri, sha) in self._declines:
                linked.append((intent, link or self._declines[(uri, sha)]))
        start, end = textsync.offset_at(text, rng.start, encoding), textsync.offset_at(text, rng.end, encoding)
        return [convert.inlay_hint(textsync.position_at(text, h.offset, encoding), h.label, h.tooltip)
                for h in intent_comment_hints(text, linked, start, end)]

    # -- links across restarts ----------------------------------------------------------------------

    def schedule_scan(self) -> None:
        """Look for generated files under `<workspace>/anrf/` in a worker thread (at most every few seconds)."""
        if self._scanning is not None and not self._scanning.done():
            return
        if time.monotonic() - self._last_scan < SCAN_INTERVAL_S:
            return
        self._scanning = asyncio.get_running_loop().create_task(self._scan())

    async def _scan(self) -> None:
        self._last_scan = time.monotonic()
        found: list[Link] = []
        for root in self.roots():
            found += await asyncio.to_thread(intent_links.scan, Path(root) / intent_links.FOLDER, self._scan_cache)
        changed = False
        for link in found:
            if link.file_uri in self.host.documents:
                continue  # open: its live analysis is the truth
            old = self._links.get(link.file_uri)
            if old is None or intent_links.summary(old) != intent_links.summary(link):
                changed = True
            if old is not None:
                link.attempts, link.seconds = old.attempts, old.seconds
            self._links[link.file_uri] = link
        log.debug("scanned generated files: %d linked", len(found))
        if changed:
            self._refresh_hints()

    def roots(self) -> list[str]:
        from pygls.uris import to_fs_path

        roots = [p for f in self.ls.workspace.folders.values() if (p := to_fs_path(f.uri))]
        if not roots and self.ls.workspace.root_path:
            roots = [self.ls.workspace.root_path]
        return roots

    def _root_for(self, uri: str | None) -> Path:
        from pygls.uris import to_fs_path

        path = to_fs_path(uri) if uri else None
        roots = self.roots()
        if path:
            inside = [r for r in roots if os.path.abspath(path).startswith(os.path.abspath(r) + os.sep)]
            if inside:
                return Path(max(inside, key=len))
        if roots:
            return Path(roots[0])
        if path and os.path.isabs(path):
            return Path(path).parent
        raise WorkflowError("open a folder (workspace) first: generated ANRF goes to <workspace>/anrf/")

    def _refresh_hints(self) -> None:
        caps = self.ls.client_capabilities.workspace
        if caps and caps.inlay_hint and caps.inlay_hint.refresh_support:
            try:
                self.ls.workspace_inlay_hint_refresh(None)
            except Exception as exc:  # noqa: BLE001 - a refresh is a courtesy
                log.debug("inlay hint refresh failed: %s", exc)

    # -- analyze --------------------------------------------------------------------------------------

    async def analyze(self, args: tuple[Any, ...]) -> dict[str, Any]:
        """The structured intent of a text (a string, or {"text", "uri", "line"} from a code action). From a code
        action it is also remembered for hover on the comment and summarized in a window/showMessage."""
        from anrf_lsp.language.hover import structured_intent_summary

        request = _request(args, ANALYZE_COMMAND)
        settings = self.host.settings()
        try:
            intent = await self.host.models.analyze_intent(request.text, settings.intent_model, settings.model_device, settings.server)
        except Exception as exc:
            raise self._fail(f"intent analysis failed: {exc}") from exc
        result = intent.model_dump(mode="json")
        if request.uri:
            if len(self._analyses) >= MAX_ANALYSES:
                self._analyses.pop(next(iter(self._analyses)))
            self._analyses[(request.uri, intent_links.text_hash(request.text))] = result
            self._show(types.MessageType.Info, f"ANRF intent: {structured_intent_summary(result)}")
        return result

    # -- generate -------------------------------------------------------------------------------------

    async def generate(self, args: tuple[Any, ...]) -> dict[str, Any]:
        """Analyze -> generate -> verify -> create the file; see the module docstring."""
        from anrf_lsp.pipeline import GenerationRefused
        from anrf_lsp.remote import RemoteError
        from models.generator import GenerationCancelled, GenerationError
        from models.locate import ModelNotFound

        request = _request(args, GENERATE_COMMAND)
        params = COMMAND_PARAMS.get()
        job = Job(id=uuid.uuid4().hex[:12], msg_id=self.ls.protocol.msg_id)
        self._jobs[job.id] = job
        started = time.monotonic()
        try:
            await self._begin_progress(job, params.work_done_token if params else None)
            return await self._generate(job, request, started)
        except GenerationCancelled:
            stopped = time.monotonic()
            after = (stopped - job.cancel_requested) * 1000 if job.cancel_requested else 0.0
            log.info("generation %s cancelled; it stopped %.0f ms after the cancel request", job.id, after)
            self._end_progress(job, "cancelled")
            return {"cancelled": True, "stoppedAfterMs": round(after, 1)}
        except GenerationRefused as exc:
            if time.monotonic() - started >= self.host.settings().generation_timeout_s:
                self._failed(job, exc, started)
            return self._declined(job, request, exc)
        except (GenerationError, ModelNotFound, RemoteError, WorkflowError, OSError) as exc:
            self._failed(job, exc, started)
        except Exception as exc:
            log.exception("generation %s failed", job.id)
            self._end_progress(job, "failed")
            raise self._fail(f"generation failed: {type(exc).__name__}: {exc}") from exc
        finally:
            self._jobs.pop(job.id, None)

    def _failed(self, job: Job, exc: Exception, started: float) -> NoReturn:
        self._end_progress(job, "failed")
        raise self._fail(f"generation failed: {self._explain(exc, started)}") from exc

    def _fail(self, message: str, kind: types.MessageType = types.MessageType.Error) -> CommandFailed:
        """Show `message` once (window/showMessage, for any client) and return the error that answers the request."""
        self._show(kind, f"ANRF: {message}")
        return CommandFailed(message)

    def _declined(self, job: Job, request: Request, exc: Any) -> dict[str, Any]:
        """Nothing was written, and why is said where the user looks: a message, the comment's inlay hint
        and hover, and a "Generate anyway" action on the comment when there is a best guess."""
        reason, can_force = str(exc), bool(exc.can_force) and not request.force
        if request.uri and not request.regenerate:
            if len(self._declines) >= MAX_ANALYSES:
                self._declines.pop(next(iter(self._declines)))
            self._declines[(request.uri, intent_links.text_hash(request.text))] = intent_links.Decline(reason, can_force)
            self._refresh_hints()
        hint = f" Use “{FORCE_TITLE.removeprefix('ANRF: ')}” on the comment to write it marked as such." if can_force else ""
        self._show(types.MessageType.Warning, f"ANRF declined: {reason}.{hint}")
        self._end_progress(job, "declined")
        return {"declined": True, "reason": reason, "canForce": can_force}

    def _explain(self, exc: Exception, started: float) -> str:
        from anrf_lsp.pipeline import GenerationRefused

        timeout = self.host.settings().generation_timeout_s
        if isinstance(exc, GenerationRefused) and time.monotonic() - started >= timeout:
            return f"no valid ANRF within {timeout:g} s (setting generationTimeoutS): {exc}"
        return str(exc)

    async def _generate(self, job: Job, request: Request, started: float) -> dict[str, Any]:
        from anrf_lsp import pipeline
        from models.generator import GenerationCancelled

        settings = self.host.settings()
        self._report(job, "analyzing intent", 5)
        intent = await self.host.models.analyze_intent(request.text, settings.intent_model, settings.model_device, settings.server)
        if job.cancel.is_set():
            raise GenerationCancelled("generation cancelled")
        pipeline.refuse_unless_forced(intent, force=request.force)  # before the generator loads
        assert intent.target is not None
        structured = intent.model_dump(mode="json")
        loading = not self.host.models.generator_loaded(settings)
        self._report(job, "loading the generator (first use), then generating" if loading else "generating", 20)
        loop = asyncio.get_running_loop()

        def on_tokens(steps: int) -> None:  # decoder thread
            loop.call_soon_threadsafe(self._report, job, f"generating: {steps} tokens", None)

        result = await self.host.models.generate(intent, settings, job.cancel.is_set, on_tokens, force=request.force)
        if job.cancel.is_set():
            raise GenerationCancelled("generation cancelled")

        self._report(job, "verifying", 80)
        old_props = await self._old_link(request) if request.regenerate else {}
        source_uri = None if request.regenerate else request.uri
        doc = intent_links.stamp(
            result.anrf, source_uri=source_uri, source_line=request.line, source_text=request.text, structured_intent=structured,
            generation_id=result.generation_id, model=result.model, date=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))
        intent_links.properties(doc).update(old_props)
        text = pipeline.document_text(doc)
        path = self._free_path(request, intent.target.name)
        uri = path.as_uri()
        self._reserved.add(str(path))
        try:
            analysis = await self.host.check_new(uri, text)
            self._report(job, f"creating {intent_links.FOLDER}/{path.name}", 95)
            how = await self._create(path, text)
        finally:
            self._reserved.discard(str(path))

        link = intent_links.link_of(doc, uri, analysis.findings)
        if link is not None:
            link.attempts, link.seconds = result.attempts, result.seconds
            self._links.pop(uri, None)
            self._links[uri] = link
        if request.uri:
            self._declines.pop((request.uri, intent_links.text_hash(request.text)), None)
        self.host.publish(analysis)  # at once, before the editor opens it
        created = f"created {intent_links.FOLDER}/{path.name} ({result.describe()})"
        self._end_progress(job, created)
        self._refresh_hints()
        await self._show_document(uri, f"ANRF: {created}")
        log.info("generated %s in %.2f s (%s)", path, time.monotonic() - started, how)
        return {"uri": uri, "path": str(path), **result.summary(), "intent": structured, "created": how,
                "seconds": round(time.monotonic() - started, 3)}

    async def _old_link(self, request: Request) -> dict[str, str]:
        """Regenerating an ANRF file: its link to the comment carries over to the new file."""
        try:
            tree = json.loads(await self._read(request.uri or ""))
        except (ValueError, WorkflowError):
            return {}
        props = intent_links.properties(tree)
        return {k: str(props[k]) for k in (intent_links.SOURCE_URI, intent_links.SOURCE_LINE, intent_links.SOURCE_SHA) if k in props}

    def _free_path(self, request: Request, name: str) -> Path:
        """`<workspace>/anrf/<name>.anrf.json` (a regenerated file: beside the old one, under its base name), by the
        pipeline's naming policy; files open in the editor or being created count as taken."""
        from pygls.uris import to_fs_path

        from anrf_lsp import pipeline

        if request.regenerate and request.uri and (old := to_fs_path(request.uri)):
            folder, stem = Path(old).parent, re.sub(r"-\d+$", "", Path(old).name.removesuffix(intent_links.SUFFIX))
        else:
            folder, stem = self._root_for(request.uri) / intent_links.FOLDER, name
        taken = set(self._reserved) | {p for u in self.host.documents.uris() if (p := to_fs_path(u))}
        try:
            return pipeline.free_path(folder / f"{pipeline.file_stem(stem)}{pipeline.ANRF_SUFFIX}", taken)
        except FileExistsError as exc:
            raise WorkflowError(str(exc)) from None

    async def _create(self, path: Path, text: str) -> str:
        try:
            return await files.create_file(self.ls, path, text, "ANRF: Generate from intent")
        except files.FileNotCreated as exc:
            raise WorkflowError(str(exc)) from None

    async def _show_document(self, uri: str, message: str) -> None:
        """Open the new file beside the source (focus stays put); a client that cannot gets `message` instead."""
        caps = self.ls.client_capabilities.window
        if not (caps and caps.show_document and caps.show_document.support):
            self._show(types.MessageType.Info, message)
            return
        try:
            await asyncio.wait_for(self.ls.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=False)), 10)
        except Exception as exc:  # noqa: BLE001 - the file exists; showing it is a courtesy
            log.debug("showDocument %s failed: %s", uri, exc)

    # -- progress and cancellation ----------------------------------------------------------------------

    async def _begin_progress(self, job: Job, client_token: types.ProgressToken | None) -> None:
        token = client_token
        caps = self.ls.client_capabilities.window
        if token is None and caps and caps.work_done_progress:
            token = f"anrf-generate-{job.id}"
            try:
                await asyncio.wait_for(self.ls.work_done_progress.create_async(token), 10)
            except Exception as exc:  # noqa: BLE001 - no progress bar, the generation goes on
                log.debug("window/workDoneProgress/create failed: %s", exc)
                token = None
        job.token = token
        if token is not None:
            self.ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
                title="ANRF: Generate from intent", message="analyzing intent", cancellable=True, percentage=0))

    def _report(self, job: Job, message: str, percentage: int | None) -> None:
        if job.token is not None and job.id in self._jobs:
            self.ls.work_done_progress.report(job.token, types.WorkDoneProgressReport(message=message, percentage=percentage, cancellable=True))

    def _end_progress(self, job: Job, message: str) -> None:
        if job.token is not None:
            self.ls.work_done_progress.end(job.token, types.WorkDoneProgressEnd(message=message))
            self.ls.work_done_progress.tokens.pop(job.token, None)
            job.token = None

    def cancel_request(self, msg_id: Any) -> None:
        """$/cancelRequest of a running anrf.generate."""
        for job in list(self._jobs.values()):
            if job.msg_id is not None and job.msg_id == msg_id:
                job.stop("request cancelled")

    def cancel_progress(self, token: types.ProgressToken) -> None:
        """window/workDoneProgress/cancel of a generation's progress."""
        for job in list(self._jobs.values()):
            if job.token is not None and job.token == token:
                job.stop("progress cancelled")

    def stop_all(self) -> None:
        """Shutdown: every running generation stops (its decoder frees the model)."""
        for job in list(self._jobs.values()):
            job.stop("server shutting down")

    def running(self) -> list[dict[str, Any]]:
        return [{"id": j.id, "token": j.token, "cancelled": j.cancel.is_set()} for j in self._jobs.values()]

    # -- feedback ------------------------------------------------------------------------------------------

    async def feedback(self, args: tuple[Any, ...], accepted: bool) -> dict[str, Any]:
        """Accept / Reject a generated file: a JSON line in `<data dir>/feedback.jsonl`, or POST /feedback in remote mode
        (locally too when the service cannot take it). An edited file is sent as the correction."""
        from anrf_lsp import pipeline
        from anrf_lsp.remote import RemoteClient, RemoteError

        first = args[0] if args else None
        uri = first.get("uri") if isinstance(first, dict) else first
        command = ACCEPT_COMMAND if accepted else REJECT_COMMAND
        if not isinstance(uri, str) or not uri:
            raise ValueError(f"{command} needs the URI of a generated ANRF file")
        text = await self._read(uri)
        try:
            tree = json.loads(text)
        except ValueError:
            tree = None
        meta = tree.get("metadata") if isinstance(tree, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        generation_id = meta.get(intent_links.GENERATION_ID)
        if not generation_id:
            raise self._fail(f"{Path(uri).name} is not a generated file (no metadata.{intent_links.GENERATION_ID}); nothing to record",
                             types.MessageType.Warning)
        edited = tree is None or meta.get(intent_links.CONTENT_SHA) != intent_links.content_hash(tree)
        intent = tree.get("intent") if isinstance(tree, dict) else None
        feedback = pipeline.Feedback(
            generation_id=str(generation_id), accepted=accepted, corrected_anrf=tree if edited and isinstance(tree, dict) else None,
            anrf_id=tree.get("anrf_id") if isinstance(tree, dict) else None, confidence_score=meta.get("confidence_score"),
            model=meta.get(intent_links.GENERATION_MODEL), intent=intent.get("description") if isinstance(intent, dict) else None,
            uri=uri, edited=edited)
        remote = self.host.settings().server
        where, path = "local", None
        if remote.url:
            try:
                await asyncio.to_thread(pipeline.RemoteFeedbackStore(RemoteClient(remote.url, remote.api_key, remote.timeout_s)).record, feedback)
                where = "remote"
            except RemoteError as exc:
                self._show(types.MessageType.Warning, f"ANRF: feedback kept locally: {exc}")
        if where == "local":
            path = await asyncio.to_thread(pipeline.LocalFeedbackStore().record, feedback)
        verdict = "acceptance" if accepted else "rejection"
        suffix = " (with your corrections)" if feedback.corrected_anrf is not None else ""
        self._show(types.MessageType.Info, f"ANRF: recorded the {verdict} of {Path(uri).name}{suffix}" + (f" in {path}" if path else " on the server"))
        return {"recorded": where, "path": path, "accepted": accepted, "edited": edited, "generationId": generation_id}

    async def _read(self, uri: str) -> str:
        if uri in self.host.documents:
            return self.host.documents.text(uri)
        from .analysis import uri_to_display_path

        try:
            return await asyncio.to_thread(Path(uri_to_display_path(uri)).read_text, encoding="utf-8")
        except OSError as exc:
            raise WorkflowError(f"cannot read {uri}: {exc.strerror or exc}") from None

    def _show(self, kind: types.MessageType, message: str) -> None:
        self.ls.window_show_message(types.ShowMessageParams(type=kind, message=message))


def _reading(structured: dict[str, Any] | None) -> str | None:
    """What a structured intent asks for, in words (None when it cannot be read)."""
    from pydantic import ValidationError

    from anrf_lsp import pipeline
    from anrf_lsp.intent.schema import StructuredIntent

    if not structured or structured.get("target") is None:
        return None
    try:
        return pipeline.reading_words(StructuredIntent.model_validate(structured))
    except (ValidationError, ValueError):
        return None


def _request(args: tuple[Any, ...], command: str) -> Request:
    """The command's argument: the intent text, or {"text", "uri"?, "line"?, "regenerate"?}."""
    first = args[0] if args else None
    if isinstance(first, str):
        return Request(text=first)
    if isinstance(first, dict) and isinstance(first.get("text"), str):
        line = first.get("line")
        return Request(text=first["text"], uri=first.get("uri") if isinstance(first.get("uri"), str) else None,
                       line=line if isinstance(line, int) and line >= 0 else 0, regenerate=bool(first.get("regenerate")),
                       force=first.get("force") is True)
    raise JsonRpcInvalidParams(f"{command} needs the text to analyze: a string or {{\"text\": ...}}")
