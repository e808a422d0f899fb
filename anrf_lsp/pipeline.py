"""The one generation pipeline: analyze -> generate (N-best) -> verify -> confidence -> store, and
feedback on the result. The `anrf` CLI, the language server and the HTTP service all call these
functions, so a request is refused, verified, named and recorded the same way wherever it comes from.

Plain synchronous functions (callers run them off their event loop); the models are passed in,
loaded by whoever holds them (the CLI per run, the server and the service once)."""

from __future__ import annotations

import datetime
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from anrf_lsp.intent.schema import DECLINE_THRESHOLD, UNKNOWN_OPERATION, StructuredIntent

ANRF_SUFFIX = ".anrf.json"


class GenerationRefused(RuntimeError):
    """Nothing was generated, for a reason to tell the user as is (out of scope, no valid program,
    not confident enough); `attempts` are the rejected hypotheses, if any were decoded; `guess` is the
    best program when there is one to write anyway (`generate(force=True)`)."""

    def __init__(self, message: str, attempts: list[Any] | None = None, guess: Outcome | None = None,
                 intent: StructuredIntent | None = None):
        super().__init__(message)
        self.attempts = attempts or []
        self.guess = guess
        self.intent = intent or (guess.intent if guess is not None else None)

    @property
    def can_force(self) -> bool:
        """Whether "generate anyway" has a best guess to write."""
        return self.guess is not None or (self.intent is not None and can_guess(self.intent))


# -- analyze ------------------------------------------------------------------------------------


_NO_GUESS = "nothing was generated rather than a guess: rephrase it, or write it and `anrf import` it"


def refusal(intent: StructuredIntent, generator: Any = None) -> str | None:
    """Why `intent` cannot be generated (the one message every entry point shows), or None.
    Without `generator` only the intent is judged; with it, also whether the generator was trained on
    what the intent asks for (its `operations`: named behaviours, None for any; its `parts`: the
    parts of compositions, None when it writes named behaviours only)."""
    if intent.intent_type == "out_of_scope" or intent.target is None:
        text = " ".join(intent.description.split())
        shown = text[:80] + ("…" if len(text) > 80 else "")
        return f"“{shown}” is not a request ANRF can generate (out of scope); describe a function, class or module to create"
    if (oversized := _oversized(intent)) is not None:
        return oversized
    if intent.behaviour is not None:  # structured intent v2: a composition of parts
        return _composition_refusal(intent, generator)
    if intent.operation == UNKNOWN_OPERATION:
        return f"not understood: this request matches no behaviour ANRF knows; {_NO_GUESS}"
    if intent.uncovered_words:
        words = ", ".join(f"“{w}”" for w in intent.uncovered_words[:5])
        return (f"not understood: the nearest reading, the catalog behaviour “{intent.operation}”, leaves out {words}; {_NO_GUESS}")
    if intent.confidence < DECLINE_THRESHOLD:
        return _unsure(intent, f"the catalog behaviour “{intent.operation}”")
    operations = getattr(generator, "operations", None)
    if operations is not None and intent.operation not in operations:
        return (f"this request reads as the catalog behaviour “{intent.operation}”, which the generator was not trained on; "
                "nothing was generated rather than a different program")
    return None


MAX_NAME_CHARS, MAX_TYPE_CHARS, MAX_PARAMETERS, MAX_CONSTRAINTS, MAX_BEHAVIOUR_CHARS = 128, 200, 32, 32, 4000


def _oversized(intent: StructuredIntent) -> str | None:
    """A field longer than any program's, refused before it reaches a model (a 20,000-character name had
    taken a minute and gigabytes of memory to decode)."""
    assert intent.target is not None
    fields = [("the target name", intent.target.name, MAX_NAME_CHARS), ("the return type", intent.return_type, MAX_TYPE_CHARS)]
    fields += [(f"parameter {i + 1}'s name", p.name, MAX_NAME_CHARS) for i, p in enumerate(intent.parameters)]
    fields += [(f"parameter {i + 1}'s type", p.type, MAX_TYPE_CHARS) for i, p in enumerate(intent.parameters)]
    for what, value, limit in fields:
        if len(value) > limit:
            return f"{what} is {len(value):,} characters long; at most {limit} can be generated"
    if len(intent.parameters) > MAX_PARAMETERS or len(intent.constraints) > MAX_CONSTRAINTS:
        return f"{len(intent.parameters)} parameters and {len(intent.constraints)} constraints; at most {MAX_PARAMETERS} of each can be generated"
    if intent.behaviour is not None and len(intent.behaviour.text()) > MAX_BEHAVIOUR_CHARS:
        return f"the behaviour expression is longer than {MAX_BEHAVIOUR_CHARS} characters"
    return None


def _composition_refusal(intent: StructuredIntent, generator: Any) -> str | None:
    assert intent.behaviour is not None
    reading = intent.behaviour.text()
    if intent.uncovered_words:
        words = ", ".join(f"“{w}”" for w in intent.uncovered_words[:5])
        return f"not understood: {words} matches no part ANRF knows (the nearest reading, {reading}, leaves it out); {_NO_GUESS}"
    if not intent.behaviour.is_known():
        return (f"a part of this request is not one ANRF knows ({reading}); "
                "nothing was generated rather than a guess: rephrase it with known parts or write it and `anrf import` it")
    if intent.confidence < DECLINE_THRESHOLD:
        return _unsure(intent, reading)
    if generator is None:
        return None
    parts = getattr(generator, "parts", None)
    if parts is None:
        return (f"this request composes parts ({reading}), and the generator writes named catalog behaviours "
                "only; nothing was generated rather than the nearest catalog program")
    unseen = sorted(set(intent.behaviour.parts()) - set(parts))
    if unseen:
        return (f"the generator was never trained on the part(s) {', '.join(f'“{p}”' for p in unseen)} of this request ({reading}); "
                "nothing was generated rather than a guess")
    return None


def _unsure(intent: StructuredIntent, reading: str) -> str:
    return f"low confidence {intent.confidence:.2f} in reading this request as {reading}; {_NO_GUESS}"


def reading_words(intent: StructuredIntent) -> str:
    """What the request was read as, in words ("the sum of the even numbers"), or the catalog key."""
    from anrf_lsp.intent.semantics import in_words

    return in_words(intent.behaviour) if intent.behaviour is not None else f"the catalog behaviour “{intent.operation}”"


def can_guess(intent: StructuredIntent) -> bool:
    """Whether there is a best guess to write when forced: a reading of a target with every part known
    (an unsure reading or parts the generator never trained on may be guessed; "not understood" cannot)."""
    if intent.intent_type == "out_of_scope" or intent.target is None or intent.uncovered_words or _oversized(intent):
        return False
    return intent.behaviour.is_known() if intent.behaviour is not None else intent.operation != UNKNOWN_OPERATION


def refuse_unless_forced(intent: StructuredIntent, generator: Any = None, force: bool = False) -> str | None:
    """Raise GenerationRefused with `refusal`'s reason, unless `force` and there is a guess to write;
    the reason forced past (None when there was none), for the guess's metadata."""
    why = refusal(intent, generator)
    if why is not None and not (force and can_guess(intent)):
        raise GenerationRefused(why, intent=intent)
    return why


def not_confident(outcome: Outcome) -> str:
    """Why an outcome the acceptance rule turned down is declined, with its best guess in words."""
    score = "uncalibrated" if outcome.confidence is None else f"{outcome.confidence:.2f}"
    return (f"low confidence {score}, below what the calibration accepts; best guess: {reading_words(outcome.intent)}; "
            "nothing was written rather than a program that is likely wrong")


def analyze(intent_model: Any, text: str) -> StructuredIntent:
    """The structured intent of a request text."""
    return intent_model.analyze(text)


# -- generate and verify ----------------------------------------------------------------------------


@dataclass
class Verification:
    """What the checkers say of a generated document."""

    errors: int
    warnings: int
    infos: int = 0

    @classmethod
    def of(cls, anrf: dict[str, Any]) -> Verification:
        from checkers import check_text

        findings = check_text(json.dumps(anrf, indent=2, ensure_ascii=False))
        count = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
        return cls(count["error"], count["warning"], count["info"])


@dataclass
class Outcome:
    """A generation: the document and everything the entry points report or store about it."""

    intent: StructuredIntent
    anrf: dict[str, Any]
    confidence: float | None  # calibrated P(correct); None for an uncalibrated model
    accepted: bool | None  # the conformal acceptance rule; None when uncalibrated
    generation_id: str
    model: str
    verification: Verification
    attempts: int = 1
    rejected: list[str] = field(default_factory=list)  # why the other hypotheses were turned down
    seconds: float = 0.0
    tokens: int = 0
    remote: bool = False

    @property
    def anrf_id(self) -> str:
        return str(self.anrf.get("anrf_id", ""))

    def summary(self) -> dict[str, Any]:
        """The JSON the CLI prints and the editor command returns (the service answers a subset)."""
        return {"anrfId": self.anrf_id, "generationId": self.generation_id, "confidenceScore": self.confidence,
                "accepted": self.accepted, "model": self.model,
                "verification": {"errors": self.verification.errors, "warnings": self.verification.warnings,
                                 "attempts": self.attempts, "rejected": self.rejected, "accepted": self.accepted}}

    def describe(self) -> str:
        score = "uncalibrated" if self.confidence is None else f"confidence {self.confidence:.2f}"
        return f"{score}, {self.verification.errors} error(s), {self.verification.warnings} warning(s)"


def generate(
    generator: Any,
    intent: StructuredIntent,
    hypotheses: int = 4,
    timeout_s: float = 30.0,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
    anrf_id: str | None = None,
    force: bool = False,
) -> Outcome:
    """Generate, verify and score ANRF for `intent`. Raises GenerationRefused (out of scope, no
    hypothesis made a valid program, or the calibrated acceptance rule turned the best one down: the
    message says why, and `guess` holds that one), GenerationCancelled when `cancelled()`.
    `force` returns the best guess instead of declining, when there is one, marked as not accepted."""
    from models.generator import GenerationCancelled, GenerationError

    why = refuse_unless_forced(intent, generator, force)
    try:
        generation = generator.generate(intent, n=hypotheses, timeout_s=timeout_s, progress=progress, cancelled=cancelled, anrf_id=anrf_id)
    except GenerationCancelled:
        raise
    except GenerationError as exc:
        raise GenerationRefused(str(exc), exc.attempts, intent=intent) from exc
    outcome = Outcome(
        intent=intent, anrf=generation.anrf, confidence=generation.confidence, accepted=generation.accepted,
        generation_id=str(uuid.uuid4()), model=getattr(generator, "name", str(getattr(generator, "directory", type(generator).__name__))),
        verification=Verification.of(generation.anrf), attempts=len(generation.attempts),
        rejected=[a.error for a in generation.attempts if not a.valid and a.error], seconds=generation.seconds,
        tokens=sum(len(a.token_log_probs) for a in generation.attempts),
    )
    if why is None and outcome.accepted is False:
        why = not_confident(outcome)
    if why is not None:
        if not force:
            raise GenerationRefused(why, generation.attempts, guess=outcome)
        mark_not_accepted(outcome, why)
    return outcome


def mark_not_accepted(outcome: Outcome, why: str) -> None:
    """A best guess written anyway says so in its metadata, so the editor and a reviewer see it."""
    from anrf_lsp.format.confidence import ACCEPTANCE_KEY, DECLINED_REASON_KEY, NOT_ACCEPTED

    outcome.accepted = False
    metadata = outcome.anrf.setdefault("metadata", {})
    metadata[ACCEPTANCE_KEY] = NOT_ACCEPTED
    metadata[DECLINED_REASON_KEY] = why


def from_remote(intent: StructuredIntent, answer: dict[str, Any], server_url: str, seconds: float) -> Outcome:
    """An Outcome for a generation an `anrf serve` instance made (RemoteClient.generate's answer)."""
    anrf = answer["document"]
    accepted = answer.get("accepted")
    return Outcome(intent=intent, anrf=anrf, confidence=answer.get("confidenceScore"), accepted=accepted if isinstance(accepted, bool) else None,
                   generation_id=str(answer.get("generationId") or ""), model=server_url, verification=Verification.of(anrf),
                   seconds=seconds, remote=True)


# -- store: the one naming policy for new files --------------------------------------------------------


def file_stem(name: str) -> str:
    """A file name stem from a target name (anything odd becomes `_`)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "generated"


def free_path(path: Path, taken: Iterable[str] = ()) -> Path:
    """`path` when no file is there (nor in `taken`: names being written), else `<stem>-2.anrf.json`
    (`<stem>-2.py` for another suffix), `-3`... beside it: the one naming policy for new files."""
    taken = set(taken)
    suffix = ANRF_SUFFIX if path.name.endswith(ANRF_SUFFIX) else path.suffix
    stem = path.name.removesuffix(suffix)
    for k in range(1, 10_000):
        candidate = path if k == 1 else path.with_name(f"{stem}-{k}{suffix}")
        if not candidate.exists() and str(candidate) not in taken:
            return candidate
    raise FileExistsError(f"no free file name beside {path}")


def read_regular_file(path: str | Path, max_bytes: int | None = None) -> bytes:
    """A regular file's bytes (at most `max_bytes` + 1, so the caller can tell it is too large), or a
    ValueError that says why not. A named pipe, a device or a directory is refused without waiting: it
    is opened non-blocking and checked before anything is read (a FIFO had blocked the editor's one
    feature thread)."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(f"cannot read {path}: not a regular file")
        try:
            return fh.read() if max_bytes is None else fh.read(max_bytes + 1)
        except OSError as exc:
            raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None


def read_source(path: Path, max_bytes: int | None = None) -> str:
    """A source file's text (UTF-8, a BOM allowed), or a ValueError that says why not."""
    data = read_regular_file(path, max_bytes)
    if max_bytes is not None and len(data) > max_bytes:
        raise ValueError(f"{path} is larger than {max_bytes // (1024 * 1024)} MiB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text (byte {exc.start})") from None


def imported_path(source: Path) -> Path:
    """Where `anrf import` puts a Python file's document: `stats.py` -> `stats.anrf.json` beside it."""
    return source.with_name(source.name.removesuffix(".py") + ANRF_SUFFIX)


def exported_path(document: Path) -> Path:
    """Where `anrf export` puts a document's Python: `stats.anrf.json` -> `stats.py` beside it."""
    return document.with_name(document.name.removesuffix(ANRF_SUFFIX).removesuffix(".json") + ".py")


def write_new(path: Path, text: str) -> Path:
    """Write `text` to `path` or the next free name beside it (its folder made if missing), never over a
    file: each name is claimed with an exclusive create, so a file that appears meanwhile is kept too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        candidate = free_path(path)
        try:
            with candidate.open("x", encoding="utf-8") as fh:
                fh.write(text)
            return candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"no free file name beside {path}")


def document_text(anrf: dict[str, Any]) -> str:
    """The text a generated document is written as (what editors show and the checkers' ranges refer to)."""
    return json.dumps(anrf, indent=2, ensure_ascii=False) + "\n"


# -- feedback --------------------------------------------------------------------------------------------


@dataclass
class Feedback:
    """A user's verdict on a generation, and their correction when they edited the file."""

    generation_id: str
    accepted: bool
    corrected_anrf: dict[str, Any] | None = None
    anrf_id: str | None = None
    confidence_score: Any = None
    model: str | None = None
    intent: str | None = None
    uri: str | None = None
    edited: bool = False

    def record(self) -> dict[str, Any]:
        return {"time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "accepted": self.accepted, "uri": self.uri,
                "anrfId": self.anrf_id, "generationId": self.generation_id, "confidenceScore": self.confidence_score, "model": self.model,
                "intent": self.intent, "edited": self.edited, "correctedAnrf": self.corrected_anrf}


class FeedbackStore(Protocol):
    """Where feedback goes; `record` returns where it went (a path, a feedback id)."""

    def record(self, feedback: Feedback) -> str: ...


class LocalFeedbackStore:
    """JSON lines in `<data dir>/feedback.jsonl` (no service: the editor on its own)."""

    FILE = "feedback.jsonl"

    def __init__(self, path: Path | None = None):
        from anrf_lsp.paths import data_dir

        self.path = path or data_dir() / self.FILE

    def record(self, feedback: Feedback) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(feedback.record(), ensure_ascii=False) + "\n")
        return str(self.path)


class DatabaseFeedbackStore:
    """The service's metadata database (`anrf serve`); the generation must be one it made."""

    def __init__(self, db: Any):
        self.db = db

    def record(self, feedback: Feedback) -> str:
        return self.db.add_feedback(generation_id=feedback.generation_id, accepted=feedback.accepted, corrected_anrf=feedback.corrected_anrf)


class RemoteFeedbackStore:
    """An `anrf serve` instance's database, over its HTTP API (the editor in remote mode)."""

    def __init__(self, client: Any):
        self.client = client

    def record(self, feedback: Feedback) -> str:
        answer = self.client.feedback(feedback.generation_id, feedback.accepted, feedback.corrected_anrf)
        return str(answer.get("feedbackId", "")) if isinstance(answer, dict) else ""
