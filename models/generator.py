"""Generation at run time: structured intent -> ANRF with CTranslate2 and tokenizers (no torch).

The model writes the compact program (anrf_lsp/program/compact.py) after the intent prompt; each
hypothesis is assembled into full ANRF and checked, and the best one that passes is returned
with every attempt reported. Decoding is bounded (tokens and seconds), reports progress and
stops mid-sequence when the caller cancels.

A model directory holds `generator/` (CTranslate2), `tokenizer.json` and `generator.json`
(and `calibration.json` once calibrated); `anrf train generator` writes one."""

from __future__ import annotations

import itertools
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anrf_lsp.intent.schema import StructuredIntent
from anrf_lsp.program.builder import GENERATED_BY, BuildRequest
from anrf_lsp.program.prompt import BOS, EOS, prompt, split_output

MODEL_DIR, TOKENIZER_FILE, CONFIG_FILE = "generator", "tokenizer.json", "generator.json"
# Nodes whose least certain token the model gave less than this probability get a
# `confidence.<node_id>` metadata entry (anrf_lsp/format/confidence.py): the editor marks them.
MARK_NODES_BELOW = 0.9
BUNDLED_GENERATOR_MODEL = Path(__file__).resolve().parent / "generator-v2"
RUNTIME_FILES = (MODEL_DIR, TOKENIZER_FILE, CONFIG_FILE, "calibration.json")


class GenerationError(RuntimeError):
    """No valid ANRF came out (the attempts say why), or the request cannot be generated."""

    def __init__(self, message: str, attempts: list[Attempt] | None = None):
        super().__init__(message)
        self.attempts = attempts or []


class GenerationCancelled(GenerationError):
    pass


@dataclass
class Attempt:
    """One decoded hypothesis and what became of it."""

    text: str
    token_log_probs: list[float]
    token_lines: list[int] = field(default_factory=list)  # 1-based line of `text` per token (0: none, e.g. </s>)
    anrf: dict[str, Any] | None = None
    node_lines: dict[str, int] = field(default_factory=dict)  # execution node id -> line of `text`
    error: str | None = None  # why it was rejected: syntax of the compact text, or checker errors
    error_count: int = 0
    warning_count: int = 0
    repairs: int = 0  # misspelled names fixed before it assembled (`repair_name`)
    verified: bool = False  # ran on probes of the request's reading and agreed on every one (models/verify.py)
    token_offsets: list[int] = field(default_factory=list)  # where each token starts in the text as decoded (-1: nowhere)
    unscored_tokens: frozenset[int] = frozenset()  # tokens that say nothing about the program (`likelihood`)

    @property
    def likelihood(self) -> float:
        """The nonconformity the confidence uses: negative mean token log-probability over the tokens
        that decide what the program does. Left out: the names the request fixes, which are rebound
        whatever the model spelled (`biggest` for its `max_number`), and the `@tags` line (keywords,
        not behaviour)."""
        from models.confidence import nonconformity

        return nonconformity([p for i, p in enumerate(self.token_log_probs) if i not in self.unscored_tokens])

    @property
    def mean_log_prob(self) -> float:
        return sum(self.token_log_probs) / len(self.token_log_probs) if self.token_log_probs else float("-inf")

    @property
    def valid(self) -> bool:
        return self.anrf is not None and self.error is None


@dataclass
class Generation:
    anrf: dict[str, Any]  # metadata.confidence_score holds `confidence` when the model is calibrated
    best: Attempt
    attempts: list[Attempt] = field(default_factory=list)
    seconds: float = 0.0
    confidence: float | None = None  # calibrated P(correct); None for an uncalibrated model
    accepted: bool | None = None  # the conformal acceptance rule at the calibration's alpha


def check(anrf: dict[str, Any]) -> tuple[int, int, list[str]]:
    """(errors, warnings, error messages) of the checkers on the document as editors see it."""
    from checkers import check_text

    findings = check_text(json.dumps(anrf, indent=2))
    errors = [f"{f.code} {f.message}" for f in findings if f.severity == "error"]
    return len(errors), sum(f.severity == "warning" for f in findings), errors


_SIGNATURE = re.compile(r"^function +([A-Za-z_]\w*) *\(([^)]*)\)", re.MULTILINE)
_HEADER = {"class": re.compile(r"^class +([A-Za-z_]\w*)", re.MULTILINE), "module": re.compile(r"^module +([A-Za-z_]\w*)", re.MULTILINE)}
_WORD_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|[A-Za-z_]\w*')


def _param_names(params_text: str) -> list[str]:
    """The names in a signature's parameter list (`a: int, b: str` -> a, b)."""
    return [p.split(":")[0].strip() for p in params_text.split(",") if p.strip()]


def _identifiers(text: str) -> set[str]:
    """The words of `text` outside string literals."""
    return {w for w in _WORD_OR_STRING.findall(text) if not w.startswith('"')}


def _rename_words(text: str, mapping: dict[str, str]) -> str:
    """Whole words renamed by `mapping`, outside string literals."""
    return _WORD_OR_STRING.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


def _names_to_bind(text: str, intent: StructuredIntent) -> tuple[list[str], list[str]] | None:
    """(names the program uses, names the request fixes), in matching order, or None."""
    assert intent.target is not None
    if intent.target.kind == "function":
        signatures = _SIGNATURE.findall(text)
        if len(signatures) != 1:
            return None
        name, params = signatures[0]
        old = [name, *_param_names(params)]
        return old, [intent.target.name, *(p.name for p in intent.parameters)]
    headers = _HEADER[intent.target.kind].findall(text)
    return (headers, [intent.target.name]) if len(headers) == 1 else None


def name_mapping(text: str, intent: StructuredIntent) -> dict[str, str]:
    """The program's names -> the request's, for the names a request fixes (the function and its
    parameters, the class, the module); a local variable already called like one of the request's
    names is renamed out of the way (`total` -> `total_2`); {} when the names cannot be matched one to
    one, or a new name would collide with something the program does not declare."""
    if intent.target is None:
        return {}
    found = _names_to_bind(text, intent)
    if found is None or len(found[0]) != len(found[1]) or len(set(found[0])) != len(found[0]):
        return {}
    mapping = {a: b for a, b in zip(*found, strict=True) if a != b}
    words = _identifiers(text)
    for taken in sorted(set(mapping.values()) & (words - set(found[0]))):
        if not _is_local(text, taken):
            return {}  # a name the program uses for something it does not own (an operation, a field)
        fresh = next(f"{taken}_{k}" for k in range(2, 1000) if f"{taken}_{k}" not in words | set(mapping.values()))
        mapping[taken] = fresh  # the program's local `total` steps aside for the request's function `total`
    return mapping


def _is_local(text: str, name: str) -> bool:
    """Whether `name` is a variable the program declares (assigned, or a loop variable)."""
    return re.search(rf"^\s*(?:for\s+{name}\s+in\b|{name}\s*(?::[^=\n]*)?=(?!=))", text, re.MULTILINE) is not None


def bind_names(text: str, intent: StructuredIntent) -> str:
    """The names a request fixes are the request's, not whatever the model spelled: rename them,
    outside string literals (`name_mapping`)."""
    mapping = name_mapping(text, intent)
    return _rename_words(text, mapping) if mapping else text


def bound_token_indices(text: str, offsets: list[int], mapping: dict[str, str]) -> frozenset[int]:
    """The tokens (by start offset in `text`) lying inside an occurrence of a name `mapping` renames."""
    spans = [(m.start(), m.end()) for m in _WORD_OR_STRING.finditer(text) if m.group(0) in mapping]
    if not spans:
        return frozenset()
    ends = [next((o for o in offsets[i + 1 :] if o >= 0), len(text)) for i in range(len(offsets))]
    return frozenset(i for i, (a, b) in enumerate(zip(offsets, ends, strict=True)) if a >= 0 and any(a < e and b > s for s, e in spans))


def canonical(intent: StructuredIntent, defaults: dict[str, dict[str, Any]]) -> StructuredIntent:
    """The intent the model is prompted with: a named behaviour's names replaced by the ones it usually
    had in training (in the name and params lines and, as whole words, in the description). A small
    model reads meaning into names ("called total" wrote the sum of the squares); the request's
    names are bound onto the program afterwards (`bind_names`), whatever the model spelled."""
    usual = defaults.get(intent.operation) if intent.behaviour is None else None
    if usual is None or intent.target is None or intent.target.kind != "function" or len(usual["params"]) != len(intent.parameters):
        return intent
    mapping = {old: new for old, new in zip([intent.target.name, *(p.name for p in intent.parameters)], [usual["name"], *usual["params"]],
                                            strict=True) if old != new}
    if not mapping or len(set(mapping.values())) != len(mapping):
        return intent
    description = re.sub(r"[A-Za-z_]\w*", lambda m: mapping.get(m.group(0), m.group(0)), intent.description)
    return intent.model_copy(update={"target": intent.target.model_copy(update={"name": usual["name"]}), "description": description,
                                     "parameters": [p.model_copy(update={"name": n}) for p, n in zip(intent.parameters, usual["params"], strict=True)]})


_UNKNOWN = re.compile(r"unknown (name|variable|type) '([A-Za-z_]\w*)'")
MAX_NAME_REPAIRS = 3


def repair_name(text: str, error: Any) -> str | None:
    """A small model misspells names it should copy: a parameter (`text` for `phrase`) or its own
    class (`NewHolder` for `RawAnswerBook`). When a name does not resolve and exactly one thing it
    can stand for exists (the one parameter of the enclosing function that its body never uses;
    the program's one class), use that; else None (the hypothesis stays rejected)."""
    found = _UNKNOWN.search(getattr(error, "message", str(error)))
    if found is None:
        return None
    kind, wrong = found.groups()
    lines = text.split("\n")
    if kind == "type":
        classes = [h for line in lines for h in _HEADER["class"].findall(line)]
        return _rename_words(text, {wrong: classes[0]}) if len(set(classes)) == 1 and wrong not in classes else None
    line_index = getattr(error, "line", 0) - 1
    start = next((i for i in range(min(line_index, len(lines) - 1), -1, -1) if lines[i].lstrip().startswith("function ")), None)
    if start is None:
        return None
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= indent), len(lines))
    signature = _SIGNATURE.match(lines[start].lstrip())
    if signature is None:
        return None
    body = lines[start + 1 : end]
    unused = [p for p in _param_names(signature.group(2)) if p != "self" and p not in _identifiers("\n".join(body))]
    if len(unused) != 1:
        return None
    return "\n".join([*lines[: start + 1], *(_rename_words(line, {wrong: unused[0]}) for line in body), *lines[end:]])


def assemble_attempt(text: str, log_probs: list[float], intent: StructuredIntent, anrf_id: str, token_lines: list[int] | None = None,
                     generated_by: str = GENERATED_BY, token_offsets: list[int] | None = None) -> Attempt:
    """Compact text -> checked ANRF (never raises: a bad hypothesis is a rejected attempt)."""
    from anrf_lsp.program.compact import CompactError, assemble

    mapping = name_mapping(text, intent)
    unscored = bound_token_indices(text, token_offsets, mapping) if token_offsets and mapping else frozenset()
    tag_lines = {n for n, line in enumerate(text.split("\n"), 1) if line.startswith("@tags")}
    unscored |= {i for i, line in enumerate(token_lines or []) if line in tag_lines}
    text = _rename_words(text, mapping) if mapping else text  # renames within lines: token_lines still hold
    attempt = Attempt(text=text, token_log_probs=log_probs, token_lines=token_lines or [], token_offsets=token_offsets or [],
                      unscored_tokens=frozenset(unscored))
    request = BuildRequest.from_intent(intent, anrf_id, generated_by)
    for repairs in range(MAX_NAME_REPAIRS + 1):
        try:
            attempt.anrf = assemble(attempt.text, request, attempt.node_lines)
            break
        except CompactError as exc:
            repaired = repair_name(attempt.text, exc) if repairs < MAX_NAME_REPAIRS else None
            if repaired is None:
                attempt.error = f"not a valid program: {exc}"
                return attempt
            attempt.text, attempt.repairs = repaired, attempt.repairs + 1
    attempt.error_count, attempt.warning_count, errors = check(attempt.anrf)
    if errors:
        attempt.error = "; ".join(errors[:3])
        return attempt
    from models.verify import against_reading

    verdict = against_reading(attempt.anrf, intent)
    attempt.verified, attempt.error = verdict.verified, verdict.disagreement
    return attempt


def token_lines(pieces: list[str]) -> list[int]:
    """The 1-based line each decoded piece writes to: the line of its first visible character, or
    for whitespace (a newline and indentation) the line it ends on, which it opens."""
    lines, line = [], 1
    for piece in pieces:
        visible = piece.lstrip()
        newlines_before = piece[: len(piece) - len(visible)].count("\n")
        lines.append(line + (newlines_before if visible else piece.count("\n")))
        line += piece.count("\n")
    return lines


def node_confidences(attempt: Attempt) -> dict[str, float]:
    """Execution node id -> probability of the least certain token on the node's line."""
    import math

    weakest: dict[int, float] = {}
    for line, log_prob in zip(attempt.token_lines, attempt.token_log_probs, strict=False):
        if line > 0:
            weakest[line] = min(weakest.get(line, 0.0), log_prob)
    return {node: math.exp(weakest[line]) for node, line in attempt.node_lines.items() if line in weakest}


def mark_uncertain_nodes(anrf: dict[str, Any], attempt: Attempt, below: float = MARK_NODES_BELOW) -> int:
    """Write `confidence.<node_id>` metadata for the nodes the model was unsure of; how many."""
    from anrf_lsp.format.confidence import NODE_PREFIX

    marked = {node: score for node, score in node_confidences(attempt).items() if score < below}
    anrf.setdefault("metadata", {}).update({f"{NODE_PREFIX}{node}": f"{score:.2f}" for node, score in marked.items()})
    return len(marked)


class GeneratorModel:
    """A loaded generator. Thread-safe for concurrent `generate` calls (CTranslate2 queues them)."""

    def __init__(self, directory: str | Path | None = None, device: str = "auto", threads: int | None = None, compute_type: str | None = None):
        import ctranslate2
        from tokenizers import Tokenizer

        from models.confidence import Calibration
        from models.locate import resolve
        from models.runtime import pick_device, pick_threads

        self.directory = resolve(directory, BUNDLED_GENERATOR_MODEL, CONFIG_FILE, "a generator model")
        self.calibration = Calibration.load(self.directory)
        self.config = json.loads((self.directory / CONFIG_FILE).read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(self.directory / TOKENIZER_FILE))
        self.tokenizer.encode_special_tokens = True  # a literal "<s>" in a request is text, never the start token
        self.bos, self.eos = self.config.get("bos", BOS), self.config.get("eos", EOS)  # a LoRA model keeps its checkpoint's
        # metadata.generated_by of what it writes: the model's name and version (a registry version is its cache folder)
        self.name = f"{self.config.get('name', 'anrf-generator')} {self.config.get('version', self.directory.name)}"
        # the named behaviours it was trained on (a model from before they were recorded: None, any may be asked)
        self.operations: frozenset[str] | None = frozenset(self.config["operations"]) if "operations" in self.config else None
        # the parts of the compositions it was trained on (None: it writes named behaviours only)
        self.parts: frozenset[str] | None = frozenset(self.config["parts"]) if "parts" in self.config else None
        # a named behaviour's usual function and parameter names, which the prompt uses instead of the user's
        self.defaults: dict[str, dict[str, Any]] = self.config.get("defaults", {})
        self.device, default_type = pick_device(device)
        self.compute_type = compute_type or default_type
        self._generator = ctranslate2.Generator(str(self.directory / MODEL_DIR), device=self.device, compute_type=self.compute_type,
                                                intra_threads=pick_threads(self.directory / MODEL_DIR, threads))

    def _prompt_tokens(self, intent: StructuredIntent) -> list[str]:
        return [self.bos, *self.tokenizer.encode(prompt(canonical(intent, self.defaults)), add_special_tokens=False).tokens]

    def decode(
        self,
        intent: StructuredIntent,
        hypotheses: int = 1,
        sample: bool = False,
        max_tokens: int = 512,
        deadline: float | None = None,
        progress: Callable[[int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[tuple[str, list[float], list[int], list[int]]]:
        """Hypotheses as (text, per-token log-probs, per-token lines, per-token start offsets in the text):
        greedy, or `hypotheses` sampled ones.
        The step callback reports progress and stops decoding mid-sequence on cancel or deadline."""
        start = self._prompt_tokens(intent)
        budget = max(1, min(max_tokens, int(self.config.get("max_length", 768)) - len(start)))
        stopped = {"cancel": False, "time": False}
        steps = 0

        def on_step(step: Any) -> bool:
            nonlocal steps
            steps += 1
            if progress is not None and steps % 16 == 0:
                progress(steps)
            stopped["cancel"] = stopped["cancel"] or (cancelled is not None and cancelled())
            stopped["time"] = stopped["time"] or (deadline is not None and time.monotonic() > deadline)
            return stopped["cancel"] or stopped["time"]

        options: dict[str, Any] = {"sampling_topk": 8, "sampling_temperature": 0.8, "num_hypotheses": hypotheses} if sample else {}
        results = self._generator.generate_batch([start], max_length=budget, include_prompt_in_result=False, end_token=self.eos,
                                                 callback=on_step, **options)
        if stopped["cancel"]:
            raise GenerationCancelled("generation cancelled")
        return [self._hypothesis(start, tokens) for tokens in results[0].sequences]

    def _hypothesis(self, start: list[str], tokens: list[str]) -> tuple[str, list[float], list[int], list[int]]:
        ids = [self.tokenizer.token_to_id(t) for t in tokens]
        full = self.tokenizer.decode(ids, skip_special_tokens=True)
        text = split_output(full)
        prefixes = [self.tokenizer.decode(ids[:k], skip_special_tokens=True) for k in range(len(ids) + 1)]
        pieces = [after[len(before) :] if after.startswith(before) else "" for before, after in itertools.pairwise(prefixes)]
        echoed = full.count("\n") - text.count("\n")  # lines of an echoed prompt that split_output dropped
        lines = [max(0, line - echoed) for line in token_lines(pieces)]
        skipped = len(full) - len(text)  # characters of the echoed prompt
        offsets = list(itertools.accumulate((len(p) for p in pieces[:-1]), initial=0)) if pieces else []
        offsets = [o - skipped if o >= skipped else -1 for o in offsets]
        return text, self._log_probs(start, tokens), lines + [0], offsets + [-1]  # </s> belongs to no line

    def _log_probs(self, start: list[str], tokens: list[str]) -> list[float]:
        """Per-token log-probs of `tokens` (and </s>) after the prompt, for confidence and highlighting."""
        scored = self._generator.score_batch([start + list(tokens) + [self.eos]])[0]
        return list(scored.log_probs[len(start) - 1 :])

    def generate(
        self,
        intent: StructuredIntent,
        n: int = 4,
        max_tokens: int = 512,
        timeout_s: float = 30.0,
        progress: Callable[[int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        anrf_id: str | None = None,
    ) -> Generation:
        """The best valid ANRF among up to `n` hypotheses; GenerationError when none is valid."""
        if intent.intent_type == "out_of_scope" or intent.target is None:
            raise GenerationError("the request is out of scope: nothing to generate")
        started = time.monotonic()
        anrf_id = anrf_id or f"anrf-{uuid.uuid4().hex[:12]}"
        deadline = started + timeout_s
        attempts: list[Attempt] = []
        for sample, count in ((False, 1), (True, n - 1)):  # greedy first; sample the rest only when it fails
            if count < 1 or any(a.valid for a in attempts) or time.monotonic() > deadline:
                break
            decoded = self.decode(intent, count, sample, max_tokens, deadline, progress, cancelled)
            attempts += [assemble_attempt(text, log_probs, intent, anrf_id, lines, self.name, offsets) for text, log_probs, lines, offsets in decoded]
        valid = [a for a in attempts if a.valid]
        if not valid:
            reasons = "; ".join(f"#{i + 1}: {a.error}" for i, a in enumerate(attempts))
            raise GenerationError(f"no valid ANRF in {len(attempts)} attempt(s): {reasons}", attempts)
        best = max(valid, key=lambda a: (a.verified, -a.warning_count, a.mean_log_prob))  # agreeing with the reading first
        assert best.anrf is not None
        mark_uncertain_nodes(best.anrf, best)
        generation = Generation(anrf=best.anrf, best=best, attempts=attempts, seconds=time.monotonic() - started)
        if self.calibration is not None:
            from models.confidence import group_of

            score = self.calibration.score(intent.confidence, best.likelihood, best.verified)
            generation.confidence = round(self.calibration.confidence(score), 4)
            generation.accepted = self.calibration.accept(score, group_of(intent))
            best.anrf.setdefault("metadata", {})["confidence_score"] = f"{generation.confidence:.4f}"
        return generation
