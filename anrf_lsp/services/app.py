"""The HTTP API (design.md §6) as a FastAPI app: `create_app(settings)`.

Endpoints are thin: parse, call a plain function (operations.py, backend.py) in a worker thread,
shape the answer. Blocking work never runs on the event loop: sync endpoints (`def`) run in
Starlette's thread pool, async ones hand work to `anyio.to_thread.run_sync`. Errors are always
`{"error": "..."}` with a fitting status."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

import anyio
from fastapi import FastAPI, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.security import APIKeyHeader
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from anrf_lsp import __version__, pipeline

from . import operations
from .backend import DATABASE, GENERATOR, REGISTRY, Backend, NotReady
from .db import UnknownGeneration, UnknownReference
from .execution_pool import ExecutionPool, TooManyRuns
from .limits import QueueFull, SlotQueue
from .logs import RequestLogMiddleware
from .metrics import UNMATCHED_ROUTE, Metrics
from .registry import InvalidId, NotFound, RegistryError, validate_id
from .schemas import (
    AnalyzeRequest,
    AnalyzeResponse,
    ErrorBody,
    ExecuteError,
    ExecuteRequest,
    ExecuteResponse,
    FeedbackRequest,
    FeedbackResponse,
    GenerateRequest,
    GenerateResponse,
    HealthResponse,
    ReadyResponse,
    StoreError,
    StoreResponse,
    VerifyResponse,
    VersionsResponse,
    ViewResponse,
    unstorable,
)
from .security import API_KEY_HEADER, AccessMiddleware, BodyLimitMiddleware, JsonAnswer, KeyChecker, TokenBucket, error_response
from .settings import ServiceSettings

log = logging.getLogger("anrf_lsp.services")

PROTOBUF = "application/x-protobuf"
CLIENT_CLOSED = 499  # nginx's "client closed request": nobody reads it, but the logs and metrics say what happened
CANCEL_GRACE_S = 2.0  # a generation still running this long past its timeout is cancelled by the watchdog


def _errors(*codes: int, model: type = ErrorBody) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": model} for code in codes}


def create_app(settings: ServiceSettings, backend: Backend | None = None) -> FastAPI:
    metrics = Metrics()
    backend = backend or Backend(settings)
    queue = SlotQueue("generation", max_concurrent=settings.max_concurrent_generations or _default_concurrency(settings.device),
                            queue_size=settings.queue_size, on_change=lambda running, waiting: (
                                metrics.in_progress.set(running), metrics.queue_depth.set(waiting)))

    executions = ExecutionPool(workers=settings.execute_workers, memory_mb=settings.execute_memory, timeout_s=settings.execute_timeout,
                               max_steps=settings.execute_max_steps, max_output_bytes=settings.execute_max_output_bytes,
                               queue_size=settings.execute_queue, per_key=settings.execute_per_key)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        backend.start()
        threading.Thread(target=executions.start, name="anrf-serve-executors", daemon=True).start()
        try:
            yield
        finally:
            executions.close()
            backend.close()

    app = FastAPI(title="anrf-lsp service", version=__version__, lifespan=lifespan, default_response_class=JsonAnswer,
                  description="Intent analysis, generation, verification, viewing, execution and storage of ANRF v1 documents; "
                              "the remote backend of the anrf language server. Send `X-API-Key` on every call except the probes.")
    app.state.backend, app.state.metrics, app.state.queue, app.state.settings = backend, metrics, queue, settings
    app.state.executions = executions
    _install_error_handlers(app)
    # Added innermost first: requests pass RequestLog -> BodyLimit -> Access -> routes.
    limiter = TokenBucket(settings.rate_limit) if settings.rate_limit > 0 else None
    keys = KeyChecker(() if settings.no_auth else settings.api_keys)
    app.add_middleware(AccessMiddleware, keys=keys, limiter=limiter,
                       on_limited=metrics.rate_limited.inc)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLogMiddleware, on_done=lambda method, route, status, seconds: metrics.observe_request(
        method, route or UNMATCHED_ROUTE, status, seconds))
    _add_routes(app, settings, backend, metrics, queue, keys, executions)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _default_concurrency(device: str) -> int:
    """One generation at a time on CPU (it uses every core it gets); a GPU batches a few."""
    try:
        from models.runtime import pick_device

        return 1 if pick_device(device)[0] == "cpu" else 4
    except Exception:  # noqa: BLE001 - no CTranslate2 here: the CPU default
        return 1


# -- errors ------------------------------------------------------------------------


def _install_error_handlers(app: FastAPI) -> None:
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if isinstance(exc.__cause__, ClientDisconnect):  # FastAPI's "error parsing the body" when the client went away
            return await client_gone(request, exc.__cause__)
        return error_response(exc.status_code, str(exc.detail), dict(exc.headers or {}))

    async def client_gone(_request: Request, _exc: Exception) -> Response:
        """A client that left before its body arrived: no server error (it was counted as a 500)."""
        return error_response(CLIENT_CLOSED, "the client disconnected before the request body arrived")

    async def validation_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        parts = []
        for err in exc.errors()[:5]:
            if err.get("type") == "json_invalid":
                parts.append(f"invalid JSON body: {err.get('ctx', {}).get('error', 'decode error')} (character {err['loc'][-1]})")
                continue
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
            parts.append(f"{where}: {err.get('msg')}")
        return error_response(422, "; ".join(parts) or "invalid request")

    def mapped(status: int, retry_after: int | None = None):
        async def handler(_request: Request, exc: Exception) -> Response:
            return error_response(status, str(exc), {"Retry-After": str(retry_after)} if retry_after else None)

        return handler

    async def queue_full(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, QueueFull)
        return error_response(503, str(exc), {"Retry-After": str(exc.retry_after)})

    async def registry_error(_request: Request, exc: Exception) -> Response:
        log.error(f"registry error: {exc}")
        return error_response(503, f"storage error: {exc}", {"Retry-After": "5"})

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(ClientDisconnect, client_gone)
    app.add_exception_handler(NotReady, mapped(503, retry_after=5))
    app.add_exception_handler(QueueFull, queue_full)
    app.add_exception_handler(TooManyRuns, mapped(429, retry_after=1))
    app.add_exception_handler(InvalidId, mapped(400))
    app.add_exception_handler(NotFound, mapped(404))
    app.add_exception_handler(RegistryError, registry_error)
    app.add_exception_handler(operations.UnknownCheck, mapped(400))
    app.add_exception_handler(UnknownReference, mapped(404))


# -- routes --------------------------------------------------------------------------

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"  # what registry.validate_id accepts (it also refuses "..")
MAX_VERSION = 2**31 - 1  # versions count up from 1; a longer number is no version (and no file name)


class _VersionConvertor(Convertor):
    """`{version:version}`: digits, so `/anrf/{id}/versions` is another route; a number too long to be a
    version becomes one past the largest, for validation to refuse with a 422 (int() of 4301+ digits raises)."""

    regex = "[0-9]+"

    def convert(self, value: str) -> int:
        return int(value) if len(value) <= 10 else MAX_VERSION + 1

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("version", _VersionConvertor())
QueryVersion = Annotated[int | None, Query(ge=1, le=MAX_VERSION, description="default: the latest")]
AnrfId = Annotated[str, PathParam(description="an ANRF id: 1-128 of A-Z a-z 0-9 . _ -, starting with a letter or digit, no '..'",
                                  examples=["func_123456"], json_schema_extra={"pattern": ID_PATTERN})]


def _id(anrf_id: str) -> str:
    """Validated path id (400 on anything that could escape its folder)."""
    return validate_id(anrf_id)


def _add_routes(app: FastAPI, settings: ServiceSettings, backend: Backend, metrics: Metrics, queue: SlotQueue, keys: KeyChecker,
                executions: ExecutionPool) -> None:
    key = Security(APIKeyHeader(name="X-API-Key", auto_error=False, description="one of the server's API keys"))
    guarded = {"dependencies": [key]}  # documents the header in OpenAPI; AccessMiddleware enforces it
    common = _errors(400, 401, 413, 422, 429, 503)

    @app.get("/healthz", response_model=HealthResponse, tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process is up (says nothing about models or storage: see /readyz)."""
        return {"status": "ok"}

    @app.get("/readyz", response_model=ReadyResponse, responses={503: {"model": ReadyResponse}}, tags=["operations"])
    async def readyz(request: Request) -> Response:
        """200 once the models are loaded and the registry and DB answer; 503 (saying which is not) before. Open to
        probes, which see each component's state; why a component is not ready (paths, URLs) only with a valid key."""
        ready, states = await anyio.to_thread.run_sync(backend.readiness)
        if keys.enabled and keys.identify(request.headers.get(API_KEY_HEADER)) is None:
            states = {name: {"state": state["state"]} for name, state in states.items()}
        return JsonAnswer({"ready": ready, "components": states}, status_code=200 if ready else 503)

    @app.get("/metrics", response_class=Response, tags=["operations"], responses={200: {"content": {"text/plain": {}}}} | _errors(401, 429),
             **guarded)
    async def prometheus_metrics() -> Response:
        """Prometheus text exposition."""
        return Response(metrics.render(), media_type=metrics.content_type)

    @app.post("/intent/analyze", response_model=AnalyzeResponse, responses=common, tags=["intent"], **guarded)
    def analyze(body: AnalyzeRequest) -> dict[str, Any]:
        """Structured intent of an editor comment or selection; records the context and the analysis."""
        context = body.context
        intent, analysis_id = backend.analyze(body.inputText, context.module if context else None, context.function if context else None,
                                              context is not None)
        return {"structuredIntent": intent, "constraints": list(intent.constraints), "analysisId": analysis_id}

    @app.post("/generate", response_model=GenerateResponse, responses=common | _errors(404, 504), tags=["generation"], **guarded)
    async def generate(body: GenerateRequest, request: Request) -> Any:
        """ANRF for a structured intent, checked before it is stored (version 1 of a new anrfId). 422 when no hypothesis
        passes the checks, 503 + Retry-After when the generation queue is full, 504 on timeout."""
        return await _generate(body, request, settings, backend, metrics, queue)

    @app.get("/verify/{anrfId:path}", response_model=VerifyResponse, responses=common | _errors(404), tags=["anrf"], **guarded)
    def verify(anrfId: AnrfId, checks: Annotated[str | None, Query(description="comma-separated: structure, types, cross_layer "
                                                                               "(or references), intent; default all")] = None,
               version: QueryVersion = None) -> dict[str, Any]:
        """Run the checkers on a stored document; results grouped by check (FAIL: errors, WARN: warnings)."""
        names = operations.parse_checks(checks)
        version, document = backend.load(_id(anrfId), version)
        results = operations.verify(document, names)
        verification_id = backend.db.add_verification(anrf_id=anrfId, version=version, checks=names, results=results)
        return {"results": results, "verificationId": verification_id}

    @app.get("/view/{anrfId:path}", response_model=ViewResponse, responses=common | _errors(404), tags=["anrf"], **guarded)
    def view(anrfId: AnrfId, format: Literal["pseudocode", "structure"] = "pseudocode",
             version: QueryVersion = None) -> dict[str, Any]:
        """Pseudocode of the execution layer, or the document's JSON text (structure)."""
        _version, document = backend.load(_id(anrfId), version)
        return {"content": operations.render(document, format), "format": format}

    @app.post("/execute/{anrfId:path}", response_model=ExecuteResponse, responses=common | _errors(404) | {422: {"model": ExecuteError}},
              tags=["anrf"], **guarded)
    async def execute(anrfId: AnrfId, request: Request, body: ExecuteRequest | None = None, version: QueryVersion = None) -> Any:
        """Run a function of the execution layer on JSON arguments in a worker process, bounded in steps, seconds and memory.
        A document with checker errors, or a run that fails (runtime error, step, time, memory or result-size limit), is a 422
        with the error and the logs; 429 when this key has its share of runs going, 503 when every worker is busy for long."""
        version, document = await anyio.to_thread.run_sync(backend.load, _id(anrfId), version)
        function, args = (body or ExecuteRequest()).call()
        inputs = {"function": function, "args": args}
        identity = request.scope.get("state", {}).get("api_key_id") or "anonymous"

        def record(output: Any, logs: list[str], ok: bool) -> str:
            return backend.db.add_execution(anrf_id=anrfId, version=version, inputs=inputs, output=output, logs=logs, ok=ok)

        try:
            output, logs = await executions.run(identity, document, function, args)
        except operations.ExecutionFailed as exc:
            execution_id = await anyio.to_thread.run_sync(record, None, exc.logs, False)
            return JsonAnswer({"error": str(exc), "logs": exc.logs, "executionId": execution_id}, status_code=422)
        execution_id = await anyio.to_thread.run_sync(record, output, logs, True)
        # A response directly: the output is already plain JSON, and deeply nested values would overflow FastAPI's encoder.
        return JsonAnswer({"output": output, "logs": logs, "executionId": execution_id})

    @app.post("/anrf", response_model=StoreResponse, status_code=201, responses=common | {422: {"model": StoreError}},
              tags=["registry"], openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/AnrfDocument"}}}}}, **guarded)
    async def store(request: Request) -> Any:
        """Store a new version of an ANRF v1 document (its `anrf_id` names it). 422 with the findings when it is not
        valid JSON or not the v1 schema; other checker findings do not block storing (see /verify)."""
        data = await request.body()
        return await anyio.to_thread.run_sync(_store, backend, data)

    @app.get("/anrf/{anrfId}/versions", response_model=VersionsResponse, responses=common | _errors(404), tags=["registry"], **guarded)
    def versions(anrfId: AnrfId) -> dict[str, Any]:
        """Stored versions, ascending (1..N)."""
        found = backend.registry.versions(_id(anrfId))
        if not found:
            raise NotFound(f"no ANRF with id {anrfId!r}")
        return {"anrfId": anrfId, "versions": found}

    document_responses = {200: {"content": {PROTOBUF: {"schema": {"type": "string", "format": "binary"}},
                                            "application/json": {"schema": {"$ref": "#/components/schemas/AnrfDocument"}}},
                                "description": "the document: protobuf by default, JSON with ?format=json or Accept: application/json"}}

    @app.get("/anrf/{anrfId}/{version:version}", response_class=Response, responses=document_responses | common | _errors(404),
             tags=["registry"], **guarded)
    def get_version(anrfId: AnrfId, version: Annotated[int, PathParam(ge=1, le=MAX_VERSION)], request: Request,
                    format: Literal["protobuf", "json"] | None = None) -> Response:
        """One stored version: protobuf bytes (`application/x-protobuf`), or JSON on request."""
        return _document_response(backend, _id(anrfId), version, format, request)

    @app.get("/anrf/{anrfId:path}", response_class=Response, responses=document_responses | common | _errors(404), tags=["registry"],
             **guarded)
    def get_latest(anrfId: AnrfId, request: Request, format: Literal["protobuf", "json"] | None = None) -> Response:
        """The latest version, negotiated like /anrf/{anrfId}/{version}."""
        return _document_response(backend, _id(anrfId), None, format, request)

    @app.post("/feedback", response_model=FeedbackResponse, status_code=201, responses=common | _errors(404), tags=["generation"], **guarded)
    def feedback(body: FeedbackRequest) -> dict[str, Any]:
        """The user's verdict on a generation (and their correction): training data for the next model."""
        try:
            feedback_id = pipeline.DatabaseFeedbackStore(backend.db).record(
                pipeline.Feedback(generation_id=str(body.generationId), accepted=body.accepted, corrected_anrf=body.correctedAnrf))
        except UnknownGeneration:
            raise HTTPException(404, f"unknown generationId {body.generationId}") from None
        return {"feedbackId": feedback_id}


def _store(backend: Backend, data: bytes) -> Response:
    import json

    problems = operations.schema_problems(data)
    if problems:
        return JsonAnswer({"error": f"not a valid ANRF v1 document: {problems[0].code} {problems[0].message}",
                             "findings": [operations.finding_out(f) for f in problems]}, status_code=422)
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:  # the checker accepted what json cannot read: refuse it all the same
        return JsonAnswer({"error": f"not a valid ANRF v1 document: {type(exc).__name__}", "findings": []}, status_code=422)
    if (why := unstorable(document)) is not None:  # it would be stored, and every later read of it would fail
        return JsonAnswer({"error": f"not a valid ANRF v1 document: {why}", "findings": []}, status_code=422)
    version = backend.store(document, source="uploaded")
    return JsonAnswer({"anrfId": document["anrf_id"], "version": version}, status_code=201)


def _document_response(backend: Backend, anrf_id: str, version: int | None, fmt: str | None, request: Request) -> Response:
    import json

    if version is not None and version < 1:
        raise NotFound(f"no version {version} of {anrf_id!r}")
    version, data = backend.registry.get_bytes(anrf_id, version)
    headers = {"X-ANRF-Version": str(version)}
    accept = request.headers.get("accept", "")
    if fmt == "json" or (fmt is None and "application/json" in accept and PROTOBUF not in accept):
        from anrf_lsp.format.protobuf import from_protobuf

        return Response(json.dumps(from_protobuf(data), ensure_ascii=False), media_type="application/json", headers=headers)
    return Response(data, media_type=PROTOBUF, headers=headers)


# -- generation ------------------------------------------------------------------------


async def _generate(body: GenerateRequest, request: Request, settings: ServiceSettings, backend: Backend, metrics: Metrics,
                    queue: SlotQueue) -> Response | dict[str, Any]:
    generator = backend.require(GENERATOR)
    db, _registry = backend.require(DATABASE), backend.require(REGISTRY)
    intent = body.structuredIntent
    if body.constraints is not None:
        intent = intent.model_copy(update={"constraints": list(body.constraints)})
    analysis_id = str(body.analysisId) if body.analysisId else None
    if analysis_id and await anyio.to_thread.run_sync(db.get_intent, analysis_id) is None:
        raise HTTPException(404, f"unknown analysisId {analysis_id}")
    anrf_id = str(uuid.uuid4())
    async with queue.slot(owner=request.scope.get("state", {}).get("api_key_id")):
        started = time.monotonic()
        outcome, why = await _run_cancellable(
            lambda cancelled: pipeline.generate(generator, intent, hypotheses=settings.hypotheses, timeout_s=settings.generation_timeout,
                                                cancelled=cancelled, anrf_id=anrf_id, force=body.force),
            request, settings.generation_timeout + CANCEL_GRACE_S)
        seconds = time.monotonic() - started
        queue.record(seconds)
    if isinstance(outcome, pipeline.Outcome):
        attempts, tokens = outcome.attempts, outcome.tokens
    else:
        rejected = getattr(outcome, "attempts", None) or []
        attempts, tokens = len(rejected), sum(len(a.token_log_probs) for a in rejected)
    metrics.tokens.inc(tokens)
    record = {"analysis_id": analysis_id, "model": backend.model_name(), "attempts": attempts, "seconds": round(seconds, 4)}

    if not isinstance(outcome, BaseException):
        version = await anyio.to_thread.run_sync(backend.store, outcome.anrf, "generated")
        generation_id = await anyio.to_thread.run_sync(lambda: db.add_generation(
            anrf_id=anrf_id, version=version, confidence=outcome.confidence, accepted=outcome.accepted, status="ok", **record))
        metrics.generations.labels("ok").inc()
        if outcome.confidence is not None:
            metrics.confidence.observe(outcome.confidence)
        log.info("generated", extra={"anrfId": anrf_id, "generationId": generation_id, "ms": round(seconds * 1000, 1)})
        return {"anrfId": anrf_id, "confidenceScore": outcome.confidence, "accepted": outcome.accepted, "generationId": generation_id}

    if why == "disconnected":
        status, code = "cancelled", CLIENT_CLOSED
        message = "the client disconnected; generation cancelled"
    elif why == "timeout" or (isinstance(outcome, pipeline.GenerationRefused) and seconds >= settings.generation_timeout):
        status, code = "timeout", 504
        message = f"generation timed out after {settings.generation_timeout:g} s"
    elif isinstance(outcome, pipeline.GenerationRefused):
        status, code, message = "failed", 422, str(outcome)
    else:
        status, code, message = "error", 500, f"{type(outcome).__name__}: {outcome}"
    generation_id = await anyio.to_thread.run_sync(lambda: db.add_generation(
        anrf_id=None, version=None, confidence=None, accepted=None, status=status, error=message[:4000], **record))
    metrics.generations.labels(status).inc()
    if code == 500:
        raise outcome
    log.info(f"generation {status}: {message[:300]}", extra={"generationId": generation_id})
    return JsonAnswer({"error": message, "generationId": generation_id}, status_code=code)


async def _run_cancellable(work: Any, request: Request, watchdog_s: float) -> tuple[Any, str | None]:
    """Run `work(cancelled)` in a worker thread while watching the client and the clock: a disconnect, or running past
    `watchdog_s`, sets the flag `cancelled()` reads, so decoding stops and the slot is freed. Returns (result or the
    exception it raised, why it was cancelled or None). Waits for the thread whatever happens: the caller's slot is
    released only once decoding really stopped."""
    cancel = threading.Event()
    why: str | None = None
    started = time.monotonic()

    async def watch() -> None:
        nonlocal why
        while not cancel.is_set():
            await anyio.sleep(0.2)
            if await request.is_disconnected():
                why = why or "disconnected"
                cancel.set()
            elif time.monotonic() - started > watchdog_s:
                why = why or "timeout"
                cancel.set()

    def run() -> Any:
        try:
            return work(cancel.is_set)
        except Exception as exc:  # noqa: BLE001 - handed back to the endpoint, which maps it
            return exc

    async with anyio.create_task_group() as tg:
        tg.start_soon(watch)
        try:
            result = await anyio.to_thread.run_sync(run)
        finally:
            tg.cancel_scope.cancel()
    return result, why


# -- OpenAPI ---------------------------------------------------------------------------


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the ANRF v1 JSON Schema as `AnrfDocument` (its $defs moved into components)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(anrf_document_schemas())
    app.openapi_schema = schema
    return schema


def anrf_document_schemas() -> dict[str, Any]:
    from anrf_lsp.format.model import json_schema

    root = json_schema()
    defs = root.pop("$defs", {})
    for key in ("$schema", "$id"):
        root.pop(key, None)

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: ("#/components/schemas/Anrf" + v.removeprefix("#/$defs/") if k == "$ref" and isinstance(v, str)
                        and v.startswith("#/$defs/") else rewrite(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    root.setdefault("properties", {}).setdefault("anrf_id", {})["pattern"] = ID_PATTERN  # the registry's rule for ids
    out = {"AnrfDocument": rewrite(root)}
    out.update({f"Anrf{name}": rewrite(value) for name, value in defs.items()})
    return out

