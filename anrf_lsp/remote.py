"""Client of an `anrf serve` instance: the language server's remote mode (settings `server.url`
and `server.apiKey`), for a machine without a GPU that uses one elsewhere.

Standard library only (urllib), so the core install needs nothing more; calls block, so callers
run them in a worker thread. Every failure becomes a `RemoteError` whose message says what to fix:
the server is unreachable, slow, refuses the key, or answered something unexpected."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from anrf_lsp.intent.schema import StructuredIntent


class RemoteError(RuntimeError):
    """The server could not be reached or answered an error; `status` is its HTTP status, if it answered."""

    def __init__(self, message: str, status: int | None = None, reason: str | None = None):
        super().__init__(message)
        self.status, self.reason = status, reason


class RemoteClient:
    def __init__(self, url: str, api_key: str | None = None, timeout_s: float = 60.0):
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout_s = timeout_s

    def analyze_intent(self, text: str, module: str | None = None, function: str | None = None) -> StructuredIntent:
        return self.analyze(text, module, function)[0]

    def analyze(self, text: str, module: str | None = None, function: str | None = None) -> tuple[StructuredIntent, str | None]:
        """POST /intent/analyze: the structured intent and the server's analysisId (pass it to `generate`
        so the server links the generation to its intent)."""
        answer = self.request("POST", "/intent/analyze", {"inputText": text, "context": {"module": module, "function": function}})
        try:
            analysis_id = answer.get("analysisId")
            return StructuredIntent.model_validate(answer["structuredIntent"]), analysis_id if isinstance(analysis_id, str) else None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RemoteError(f"the ANRF server at {self.url} sent an unexpected intent: {exc}") from None

    def generate(self, intent: StructuredIntent, analysis_id: str | None = None, force: bool = False) -> dict[str, Any]:
        """POST /generate, then the generated document (GET /anrf/{anrfId}?format=json):
        {anrfId, confidenceScore, accepted, generationId, document}. A declined request is a RemoteError
        with status 422 and the server's reason."""
        answer = self.request("POST", "/generate", {"structuredIntent": intent.model_dump(mode="json"),
                                                    "constraints": [c.model_dump(mode="json") for c in intent.constraints],
                                                    "analysisId": analysis_id, "force": force})
        if not isinstance(answer, dict) or not isinstance(answer.get("anrfId"), str):
            raise RemoteError(f"the ANRF server at {self.url} sent an unexpected generation answer")
        document = self.request("GET", f"/anrf/{urllib.parse.quote(answer['anrfId'], safe='')}?format=json")
        if not isinstance(document, dict):
            raise RemoteError(f"the ANRF server at {self.url} sent something other than an ANRF document for {answer['anrfId']}")
        return {"anrfId": answer["anrfId"], "confidenceScore": answer.get("confidenceScore"), "accepted": answer.get("accepted"),
                "generationId": answer.get("generationId"), "document": document}

    def feedback(self, generation_id: str, accepted: bool, corrected_anrf: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST /feedback: the user's verdict on a generation of this server (and their correction)."""
        return self.request("POST", "/feedback", {"generationId": generation_id, "accepted": accepted, "correctedAnrf": corrected_anrf})

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """One JSON request; the decoded JSON answer or RemoteError."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json"} | ({"Content-Type": "application/json"} if data is not None else {})
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        req = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            text = _error_text(exc)
            raise RemoteError(f"the ANRF server at {self.url} answered {exc.code} to {method} {path}: {text}", exc.code, text) from None
        except TimeoutError:
            raise RemoteError(f"the ANRF server at {self.url} did not answer {method} {path} within {self.timeout_s:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(f"cannot reach the ANRF server at {self.url} ({reason}); check the `server.url` setting") from None
        try:
            return json.loads(raw)
        except ValueError:
            raise RemoteError(f"the ANRF server at {self.url} sent something other than JSON for {method} {path}") from None


def _error_text(exc: urllib.error.HTTPError) -> str:
    """The `{"error": ...}` message of an error answer, with a hint for a missing or wrong key."""
    try:
        message = str(json.loads(exc.read()).get("error"))
    except (ValueError, AttributeError, OSError):
        message = exc.reason if isinstance(exc.reason, str) else "error"
    if exc.code == 401:
        message += " (set `server.apiKey` to a key the server accepts)"
    return message
