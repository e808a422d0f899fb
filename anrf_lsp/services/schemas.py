"""Request and response bodies of the HTTP API (design.md §6): camelCase JSON, published in the
OpenAPI document. Plain pydantic models; the endpoints in app.py only move data in and out."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from anrf_lsp.intent.schema import IntentConstraint, StructuredIntent

CheckName = Literal["structure", "types", "cross_layer", "references", "intent"]
CheckStatus = Literal["PASS", "FAIL", "WARN"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        """Refuse, before anything uses it, what JSON decoding lets through and nothing downstream can
        hold: a lone surrogate in a string (no UTF-8 for the tokenizer, the database, the response) and
        a number too large for a float (1e999 reads as infinity, which no JSON can write back)."""
        problem = unstorable(data)
        if problem is not None:
            raise ValueError(problem)
        return data


def unstorable(value: Any) -> str | None:
    """Why a decoded JSON value cannot be stored or answered with, or None (iterative: any depth)."""
    import math

    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                return f"a string holds a lone surrogate (\\u{ord(item[exc.start]):04x}), which is not text"
        elif isinstance(item, float) and not math.isfinite(item):
            return "a number is out of range (too large for a float) or not a number"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


class ErrorBody(BaseModel):
    error: str = Field(description="what went wrong, in words")


class CodeContext(_Body):
    module: str | None = Field(None, description="module the request was written in")
    function: str | None = Field(None, description="function the request was written in (if any)")


class AnalyzeRequest(_Body):
    inputText: str = Field(description="the editor comment or selection to analyze")
    context: CodeContext | None = None


class AnalyzeResponse(BaseModel):
    structuredIntent: StructuredIntent
    constraints: list[IntentConstraint]
    analysisId: uuid.UUID


class GenerateRequest(_Body):
    structuredIntent: StructuredIntent
    constraints: list[IntentConstraint] | None = Field(None, description="replace the intent's constraints (default: keep them)")
    analysisId: uuid.UUID | None = Field(None, description="the /intent/analyze call this generation answers")
    force: bool = Field(False, description="store the best guess instead of answering 422 when the request is declined "
                                           "(its metadata says it was not accepted, and why)")


class GenerateResponse(BaseModel):
    anrfId: uuid.UUID
    confidenceScore: float | None = Field(description="calibrated P(correct); null when the model is not calibrated")
    accepted: bool | None = Field(None, description="false for a best guess stored with force; null when the model is not calibrated")
    generationId: uuid.UUID


class FindingOut(BaseModel):
    code: str
    severity: Literal["error", "warning", "info"]
    message: str
    pointer: str


class CheckDetails(BaseModel):
    summary: str
    findings: list[FindingOut]


class CheckResult(BaseModel):
    check: str
    status: CheckStatus
    details: CheckDetails


class VerifyResponse(BaseModel):
    results: list[CheckResult]
    verificationId: uuid.UUID


class ViewResponse(BaseModel):
    content: str
    format: Literal["pseudocode", "structure"]


class ExecuteCall(_Body):
    function: str | None = Field(None, description="function to run (needed when the document defines several)")
    args: list[Any] = Field(default_factory=list, description="positional arguments (JSON values)")


class ExecuteRequest(_Body):
    inputs: list[Any] | ExecuteCall = Field(
        default_factory=list,
        description="positional arguments of the document's only function (a JSON array), or {function, args} to pick one",
        examples=[[[1, 2, 3]], {"function": "sum", "args": [[1, 2, 3]]}],
    )

    def call(self) -> tuple[str | None, list[Any]]:
        return (None, list(self.inputs)) if isinstance(self.inputs, list) else (self.inputs.function, list(self.inputs.args))


class ExecuteResponse(BaseModel):
    output: Any = Field(description="the function's return value (any JSON value)")
    logs: list[str]
    executionId: uuid.UUID


class ExecuteError(ErrorBody):
    logs: list[str] = Field(default_factory=list)
    executionId: uuid.UUID | None = None


class StoreResponse(BaseModel):
    anrfId: str
    version: int


class StoreError(ErrorBody):
    findings: list[FindingOut] = Field(default_factory=list)


class VersionsResponse(BaseModel):
    anrfId: str
    versions: list[int]


class FeedbackRequest(_Body):
    generationId: uuid.UUID
    accepted: bool
    correctedAnrf: dict[str, Any] | None = Field(None, description="the ANRF v1 document the user corrected the generation to")


class FeedbackResponse(BaseModel):
    feedbackId: uuid.UUID


class HealthResponse(BaseModel):
    status: Literal["ok"]


class ComponentState(BaseModel):
    state: Literal["disabled", "loading", "ready", "failed"]
    detail: str | None = None


class ReadyResponse(BaseModel):
    ready: bool
    components: dict[str, ComponentState]
