"""The link between an intent comment and the ANRF file generated from it.

The link lives in the generated document itself, so it survives a server restart:
`intent.properties` holds the source document (`source_uri`), the comment's line
(`source_line`, 0-based, informative: lines move) and the SHA-256 of the intent text
(`source_text_sha256`, what matching uses), plus the structured intent it was generated
from (`structured_intent`, compact JSON). `metadata` holds the generation's id and the hash
of the generated content, so Accept/Reject can tell whether the user edited it.

Plain functions over dicts and files; nothing here imports pygls.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anrf_lsp.format import confidence

SOURCE_URI, SOURCE_LINE, SOURCE_SHA = "source_uri", "source_line", "source_text_sha256"
STRUCTURED_INTENT = "structured_intent"
GENERATION_ID, GENERATION_MODEL, GENERATION_DATE, CONTENT_SHA = "generation_id", "generation_model", "generation_date", "generated_content_sha256"
FOLDER = "anrf"  # <workspace>/anrf/<name>.anrf.json
SUFFIX = ".anrf.json"
MAX_SCANNED_FILES = 500
MAX_SCANNED_BYTES = 2 * 1024 * 1024


def text_hash(text: str) -> str:
    """SHA-256 of the intent text with whitespace normalized (re-wrapping a comment keeps its link)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def content_hash(doc: dict[str, Any]) -> str:
    """SHA-256 of what the generator wrote (intent without properties, semantic, execution): equal after
    reformatting, different after any real edit."""
    intent = doc.get("intent")
    intent = {k: v for k, v in intent.items() if k != "properties"} if isinstance(intent, dict) else intent
    body = {"intent": intent, "semantic": doc.get("semantic"), "execution": doc.get("execution")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).hexdigest()


def stamp(doc: dict[str, Any], *, source_uri: str | None, source_line: int | None, source_text: str | None,
          structured_intent: dict[str, Any] | None, generation_id: str, model: str, date: str) -> dict[str, Any]:
    """Write the link and the generation's identity into a generated document (in place; returns it)."""
    intent = doc.setdefault("intent", {})
    props = intent.setdefault("properties", {}) if isinstance(intent, dict) else {}
    if source_uri and source_text is not None:
        props[SOURCE_URI] = source_uri
        props[SOURCE_LINE] = str(source_line or 0)
        props[SOURCE_SHA] = text_hash(source_text)
    if structured_intent is not None:
        compact = {k: v for k, v in structured_intent.items() if k not in ("entities", "description")}
        props[STRUCTURED_INTENT] = json.dumps(compact, separators=(",", ":"), ensure_ascii=False)
    meta = doc.setdefault("metadata", {})
    meta.update({GENERATION_ID: generation_id, GENERATION_MODEL: model, GENERATION_DATE: date, CONTENT_SHA: content_hash(doc)})
    return doc


@dataclass
class Link:
    """A generated file as the comment it came from sees it (hover, inlay hint)."""

    file_uri: str
    source_uri: str
    source_line: int
    text_sha: str
    anrf_id: str = ""
    confidence: float | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    problems: list[str] = field(default_factory=list)  # the first error messages
    structured_intent: dict[str, Any] | None = None
    generation_id: str = ""
    model: str = ""
    attempts: int | None = None
    seconds: float | None = None
    not_accepted: str | None = None  # why, for a best guess written although declined


@dataclass
class Decline:
    """A comment whose request was declined: why (the pipeline's words), and whether a best guess can
    be written anyway."""

    reason: str
    can_force: bool = False

    def short(self) -> str:
        """The reason's first clause, for an inlay hint: "low confidence 0.31, below what the calibration accepts"."""
        first = self.reason.split(";")[0].strip()
        return first if len(first) <= 70 else first[:69] + "…"


def properties(doc: Any) -> dict[str, Any]:
    intent = doc.get("intent") if isinstance(doc, dict) else None
    props = intent.get("properties") if isinstance(intent, dict) else None
    return props if isinstance(props, dict) else {}


def link_of(doc: Any, file_uri: str, findings: list[Any] | None = None) -> Link | None:
    """The link a generated document carries (None when it has none); `findings` give the verification."""
    props = properties(doc)
    source, sha = props.get(SOURCE_URI), props.get(SOURCE_SHA)
    if not isinstance(source, str) or not isinstance(sha, str):
        return None
    try:
        line = int(props.get(SOURCE_LINE, 0))
    except (TypeError, ValueError):
        line = 0
    structured = None
    if isinstance(props.get(STRUCTURED_INTENT), str):
        try:
            structured = json.loads(props[STRUCTURED_INTENT])
        except ValueError:
            structured = None
    meta = confidence.metadata(doc)
    link = Link(file_uri=file_uri, source_uri=source, source_line=line, text_sha=sha,
                anrf_id=doc.get("anrf_id") if isinstance(doc.get("anrf_id"), str) else "",
                confidence=confidence.document_score(doc), structured_intent=structured if isinstance(structured, dict) else None,
                generation_id=str(meta.get(GENERATION_ID, "")), model=str(meta.get(GENERATION_MODEL, "")),
                not_accepted=confidence.not_accepted(doc))
    set_findings(link, findings or [])
    return link


def set_findings(link: Link, findings: list[Any]) -> None:
    """Verification results (checker findings: objects with `severity`, `code`, `message`)."""
    link.errors = sum(f.severity == "error" for f in findings)
    link.warnings = sum(f.severity == "warning" for f in findings)
    link.infos = sum(f.severity == "info" for f in findings)
    link.problems = [f"{f.code} {f.message}" for f in findings if f.severity == "error"][:3]


def scan(directory: Path, cache: dict[str, tuple[tuple[float, int], Link | None]], max_files: int = MAX_SCANNED_FILES) -> list[Link]:
    """The links of the generated files in `directory` (`<workspace>/anrf/`), reading and checking only
    files that changed since `cache` saw them (path -> ((mtime, size), link)); bounded in files and bytes."""
    from checkers import check_text

    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(SUFFIX))[:max_files]
    except OSError:
        return []
    links = []
    for name in names:
        path = directory / name
        try:
            stat = path.stat()
        except OSError:
            continue
        key = (stat.st_mtime, stat.st_size)
        seen = cache.get(str(path))
        if seen is None or seen[0] != key:
            link = None
            if 0 < stat.st_size <= MAX_SCANNED_BYTES:
                try:
                    text = path.read_text(encoding="utf-8")
                    doc = json.loads(text)
                    if isinstance(doc, dict) and SOURCE_SHA in properties(doc):
                        link = link_of(doc, path.as_uri(), check_text(text))
                except (OSError, ValueError, RecursionError):
                    link = None
            seen = cache[str(path)] = (key, link)
        if seen[1] is not None:
            links.append(seen[1])
    return links


def best_match(links: list[Link], source_uri: str, sha: str, line: int) -> Link | None:
    """The link for a comment: same source document and intent text; the nearest line, then the latest in `links`."""
    found = [(i, lk) for i, lk in enumerate(links) if lk.source_uri == source_uri and lk.text_sha == sha]
    return min(found, key=lambda item: (abs(item[1].source_line - line), -item[0]))[1] if found else None


def summary(link: Link) -> str:
    """`anrf/biggest.anrf.json · confidence 0.87 · 0 errors` (the inlay hint on the comment)."""
    name = link.file_uri.rsplit("/", 1)[-1]
    score = "uncalibrated" if link.confidence is None else f"confidence {confidence.render(link.confidence)}"
    if link.not_accepted:
        score += ", not accepted"
    errors = f"{link.errors} error" + ("" if link.errors == 1 else "s")
    return f"→ {FOLDER}/{name} · {score} · {errors}"
