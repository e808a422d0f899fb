"""Bytes or text -> a `Document`: the text, the JSON tree, the model, and where everything is.

Loading never raises on bad input: unreadable bytes, syntax errors and schema
errors become findings, and whatever can still be modelled is modelled, so
checkers, hover and navigation keep working on the valid parts.
"""

from __future__ import annotations

import copy
import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .findings import CATALOG, MAX_FINDINGS, Finding, Related, Severity, define
from .jsonsource import _WS, Path, SourceMap, Span, parse_json, pointer_from_path
from .model import Anrf

# -- the codes this module reports (the check catalog: anrf_lsp/format/findings.py) ----

define("ANRF000", "error", "document could not be read", "structure", """
The file could not be read at all: it does not exist, cannot be opened (permissions, a directory, an I/O error), or it is larger than the size limit, **64 MiB** by default (`anrf check --max-size MIB` changes it). The finding sits at the start of the file (pointer `""`) and no other check runs.

Failing:

```text
$ anrf check big.anrf.json
big.anrf.json:1:1: ANRF000 error: file is larger than the 64 MiB limit; not checked
```

Passing: a readable file within the limit (raise the limit for a known-large generated file, or split it).
""")

define("ANRF100", "error", "invalid JSON syntax", "structure", """
The text is not valid JSON. Every syntax error is reported (up to 50 per file), each at its own position, by a tolerant parser that also recovers a partial tree so hover, outline and completion keep working while you type. The same code covers **invalid UTF-8** (reported at the first bad byte; the text is decoded with replacement characters) and **nesting deeper than 256 levels** (ANRF documents are about 6 levels deep). Above 4 million characters a broken file gets one precise error instead of full recovery.

When the JSON is invalid, the other checks (ANRF101 and up) do not run, so a half-typed document does not drown in follow-on errors.

Failing:

```json
{"anrf_id": "func_1", "version": "v1",}
```

→ `trailing comma before '}'` at the comma.

Passing:

```json
{"anrf_id": "func_1", "version": "v1"}
```
""")

define("ANRF101", "error", "schema: missing or wrong-typed field", "structure", """
A field is missing, has the wrong JSON type, or is empty where a value is required. Reported at the field (or, when it is missing, at the object it is missing from).

- **Wrong type** (`"node_id": 7`, `"nodes": "..."`): reported while loading; the bad value is dropped and the rest of the document is still checked (no follow-up findings about the dropped value).
- **Required fields** must be present and non-empty: `anrf_id`, `version`, `intent`, `semantic`, `execution` at the top; `intent_type`, `description` in `intent`; `type`, `description` in a constraint; `node_id`, `node_type` in a semantic node; `edge_id`, `source_id`, `target_id`, `edge_type` in semantic and execution edges; `type_id`, `name`, `type_kind` in a type; `name`, `type_id` in a type field; `node_id`, `operation` in an execution node. Missing: `missing required field 'node_type' (one of: function, parameter, …)`; `""`: `'node_id' must not be empty`; `null`: `must not be null`. (An *empty* intent description is ANRF403, a warning, instead.)
- **Property values** (every `properties` map and `metadata`) are strings in ANRF v1 (`map<string,string>` in the protobuf). Numbers, booleans, arrays and objects still load, with a **warning** that shows the string to write.
- **`execution.code`** must be base64 (standard or URL-safe alphabet, padding optional); otherwise an error.
- **Unknown execution edge types** (anything but `control_flow`, `true_branch`, `false_branch`, `loop_body`, `data_flow`): a **warning**; the interpreter ignores such an edge.

Failing:

```json
{"node_id": "", "label": "sum", "properties": {"arity": 1}}
```

→ `'node_id' must not be empty`, `missing required field 'node_type'`, and a warning: `property values are strings in ANRF v1; found a number for 'arity' (write "1")`.

Passing:

```json
{"node_id": "func_sum", "node_type": "function", "label": "sum", "properties": {"arity": "1"}}
```
""")

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


_UNPARSED: Any = object()


@dataclass(slots=True)
class Document:
    path: str
    text: str
    source: SourceMap
    model: Anrf | None
    findings: list[Finding] = field(default_factory=list)
    # Paths whose content was dropped from `model` because it did not validate;
    # later checks stay quiet about them (the ANRF101 finding already says why).
    pruned: set[Path] = field(default_factory=set)
    syntax_ok: bool = True
    _tree: Any = _UNPARSED  # the JSON value; parsed on first use when the fast path skipped it

    @property
    def tree(self) -> Any:
        """The document as plain JSON values (a best-effort partial tree for broken JSON)."""
        if self._tree is _UNPARSED:
            self._tree = json.loads(self.text)
        return self._tree

    def finding(
        self,
        code: str,
        path: Path,
        message: str,
        *,
        severity: Severity | None = None,
        related: list[tuple[Path, str]] | None = None,
        data: dict[str, Any] | None = None,
        span: Span | None = None,
    ) -> Finding:
        """Build a finding located at `path` (or at an explicit span)."""
        where = span if span is not None else self.source.focus_span(path)
        rel = [Related(pointer_from_path(p), self.source.range(self.source.focus_span(p)), m) for p, m in related or ()]
        return Finding(
            code=code,
            severity=severity or CATALOG[code].severity,
            message=message,
            pointer=pointer_from_path(path),
            range=self.source.range(where),
            related=rel,
            data=data or {},
        )


def decode_text(data: bytes) -> tuple[str, str | None, int]:
    """Decode UTF-8 (BOM allowed). Invalid bytes become U+FFFD; the problem and its offset come back."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None, 0
    except UnicodeDecodeError as exc:
        good_prefix = data[: exc.start].decode("utf-8")
        text = data.decode("utf-8", errors="replace")
        bad = data[exc.start : exc.end].hex(" ")
        return text, f"invalid UTF-8 (byte {bad} at byte offset {exc.start}); decoded with replacement characters", len(good_prefix)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector: parsing and checking build many small acyclic
    objects, and collector passes over them only cost time (up to a third of a
    large check). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_document(data: bytes | str, path: str = "<memory>") -> Document:
    """Parse and model one ANRF document. Never raises on bad content."""
    with gc_paused():
        return _load(data, path)


def _load(data: bytes | str, path: str) -> Document:
    findings: list[Finding] = []
    utf8_problem: tuple[str, int] | None = None
    if isinstance(data, bytes):
        text, problem, offset = decode_text(data)
        if problem:
            utf8_problem = (problem, offset)
    else:
        text = data

    if utf8_problem is None:
        fast = _load_valid(text, path)
        if fast is not None:
            return fast

    parsed = parse_json(text)
    doc = Document(path=path, text=text, source=parsed.source, model=None, findings=findings, _tree=parsed.value)
    if utf8_problem:
        msg, offset = utf8_problem
        findings.append(doc.finding("ANRF100", (), msg, span=Span(offset, offset + 1)))
    if not parsed.ok:
        doc.syntax_ok = False
        for problem in parsed.problems:
            findings.append(doc.finding("ANRF100", (), problem.message, span=problem.span))
        # The recovered tree still feeds navigation features; checks wait for valid JSON
        # so a half-typed document does not drown in follow-on errors.
        doc.model, _, doc.pruned = _validate_lenient(parsed.value)
        return doc

    if not isinstance(parsed.value, dict):
        kind = json_kind(parsed.value)
        findings.append(doc.finding("ANRF101", (), f"an ANRF document must be a JSON object, found {kind}"))
        return doc

    doc.model, errors, doc.pruned = _validate_lenient(parsed.value)
    for loc, message in errors[: MAX_FINDINGS + 1]:  # check_document lists at most MAX_FINDINGS (ANRF108)
        findings.append(doc.finding("ANRF101", loc, message))
    return doc


_BIG_EXPONENT = re.compile(r"[0-9][eE]\+?[0-9]{3,}")


def _load_valid(text: str, path: str) -> Document | None:
    """Fast path for the common case, a valid document: one pass of pydantic's JSON
    parser straight into the model. Anything unusual (syntax or schema errors, or
    NaN/Infinity, which that parser accepts and JSON does not, or an exponent that may overflow to
    infinity) returns None and takes the full path, which reports it precisely."""
    if _contains(text, "NaN") or _contains(text, "Infinity") or _BIG_EXPONENT.search(text):
        return None
    try:
        model = Anrf.model_validate_json(text)
    except ValidationError:
        return None
    start = _WS.match(text, 0).end()  # type: ignore[union-attr]
    source = SourceMap(text, Span(start, len(text.rstrip(" \t\n\r"))))
    return Document(path=path, text=text, source=source, model=model)


def _contains(text: str, word: str, max_tries: int = 1000) -> bool:
    """`word in text`, sought by its first letter: finding one character runs at memchr
    speed, dozens of times faster than a multi-character search over a large text, and
    capital letters are rare in documents. Gives up on that after `max_tries` hits."""
    i = text.find(word[0])
    for _ in range(max_tries):
        if i < 0:
            return False
        if text.startswith(word, i):
            return True
        i = text.find(word[0], i + 1)
    return i >= 0 and word in text[i:]


def load_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read and load a file; I/O problems become an ANRF000 finding, never an exception."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return _unreadable(path, f"cannot read file: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return _unreadable(path, f"file is larger than the {max_bytes // (1024 * 1024)} MiB limit; not checked")
    return load_document(data, path)


def _unreadable(path: str, message: str) -> Document:
    doc = Document(path=path, text="", source=SourceMap("", None, {}), model=None, syntax_ok=False, _tree=None)
    doc.findings.append(doc.finding("ANRF000", (), message))
    return doc


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


_EXPECTED = {
    "string_type": "a string",
    "bool_type": "a boolean",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _error_message(err: dict[str, Any]) -> str:
    loc = err["loc"]
    name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    etype = err["type"]
    got = json_kind(err.get("input"))
    if etype in _EXPECTED:
        return f"'{name}' must be {_EXPECTED[etype]}, found {got}"
    if etype == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"'{name}' has invalid value {err.get('input')!r}; expected one of {expected}"
    return f"'{name}': {err['msg']}"


def _validate_lenient(tree: Any) -> tuple[Anrf | None, list[tuple[Path, str]], set[Path]]:
    """Validate; on failure drop each offending value (every field has a default) and retry.

    Returns the model (None when the root is not an object), the errors as
    (path, message), and the set of dropped paths.
    """
    if not isinstance(tree, dict):
        return None, [], set()
    try:
        return Anrf.model_validate(tree), [], set()
    except ValidationError as exc:
        first_errors = exc.errors(include_url=False)
    errors = [(_loc_path(e["loc"]), _error_message(e)) for e in first_errors]
    work = copy.deepcopy(tree)
    pruned: set[Path] = set()
    pending = first_errors
    for _attempt in range(5):
        for err in pending:
            p = _loc_path(err["loc"])
            if p and _drop(work, p, err["type"]):
                pruned.add(p)
        try:
            return Anrf.model_validate(work), errors, pruned
        except ValidationError as exc:
            pending = exc.errors(include_url=False)
    return Anrf(), errors, pruned | {()}


def _loc_path(loc: tuple[Any, ...]) -> Path:
    # pydantic adds "[key]" style entries for some union/dict errors; keep only real path parts
    return tuple(p for p in loc if isinstance(p, (str, int)) and not (isinstance(p, str) and p.startswith("function-")))


def _drop(tree: Any, path: Path, error_type: str) -> bool:
    """Remove the bad value at `path` without shifting any list index.

    Object members are deleted (every field has a default); list elements are
    replaced by an empty placeholder of the expected kind, so the paths of
    their siblings, and the findings that point at them, stay right.
    """
    parent = tree
    for part in path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = path[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        parent[last] = "" if error_type == "string_type" else {}
        return True
    return False
