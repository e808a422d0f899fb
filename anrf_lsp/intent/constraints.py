"""Rule-based constraint parser for intent analysis (shared/design.md §1, §5).

Constraints are few, formulaic and must be exact ("O(n)", "under 50 ms"), so a
small table of regular expressions finds them more reliably than a model would;
the intent model predicts everything else. Each rule gives the constraint type
and a normalized `formal_spec`; the `description` is the matched text itself, so
spans and descriptions always agree with the input.

Formal specs: performance "O(n)" / "time<=50ms"; resource "memory<=10MB" /
"space=O(1)"; compatibility "python>=3.8" / "ecmascript==2017" / "node>=18" /
"stdlib_only"; safety, security and reliability use flag names such as
"handles_empty", "no_network" or "deterministic" (see `_RULES`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from anrf_lsp.intent.schema import ConstraintType, IntentConstraint

Span = tuple[int, int]
_Result = tuple[ConstraintType, str] | None


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    spec: Callable[[re.Match[str], str], _Result]  # (match, whole text) -> (type, formal_spec), or None to skip


# -- shared fragments -----------------------------------------------------------------------

# "must not", "never", ... (longest first, so a match starts at the modal verb)
_NEG = r"(?:must\s+not|mustn't|should\s+not|shouldn't|does\s+not|doesn't|do\s+not|don't|will\s+not|won't|can\s*not|can't|never|not)"
# verbs that say an input is coped with: "handle empty lists", "never crash on null"
_COPE = (
    r"(?:handl(?:e|es|ing)|support(?:s|ing)?|accept(?:s|ing)?|cop(?:e|es|ing)\s+with|deal(?:s|ing)?\s+with"
    r"|work(?:s|ing)?\s+(?:on|with|for)|(?:is|be|stays?)\s+safe\s+(?:on|with|for)"
    rf"|{_NEG}\s+(?:crash(?:es)?|fails?|breaks?|throws?|raises?|blow\s+up)\s+(?:on|for|with|given))"
)
_ADVERB = r"(?:\s+(?:gracefully|correctly|safely|properly))?"
_LATER = r"(\+|\s+or\s+(?:later|newer|above|higher|greater)|\s+and\s+(?:later|newer|above|up)\b(?!\s+to\b))?"
_BUDGET = (
    r"(?<!\w)(?:in\s+(?:less\s+than|under)|less\s+than|fewer\s+than|under|below|within|at\s+most|no\s+more\s+than"
    r"|not\s+more\s+than|no\s+longer\s+than|(?:must\s+)?not\s+exceed(?:ing)?|never\s+exceed(?:ing)?|up\s+to"
    r"|max(?:imum)?(?:\s+of)?|(?:a\s+)?(?:limit|budget|cap)\s+of|faster\s+than|<=|≤|<)\s*"
)
_OR_LESS = r"\s+(?:or\s+less|or\s+fewer|max(?:imum)?|at\s+most|tops)\b"
_NUMBER = r"(\d+(?:\.\d+)?)"
_TIME_UNIT = r"(milliseconds?|msecs?|ms|microseconds?|µs|μs|us|nanoseconds?|ns|seconds?|secs?|s|minutes?|mins?)\b"
_MEMORY_UNIT = r"(bytes?|(?-i:B)|[KMGT]iB|[KMGT]B|kilobytes?|megabytes?|gigabytes?|terabytes?)\b"
_MEMORY_TAIL = r"(?:\s+(?:of\s+)?(?:(?:extra|additional|peak|heap|working)\s+)?(?:memory|ram|heap))?"
_SPACE_WORDS = r"(?:extra\s+|additional\s+|auxiliary\s+)?(?:space|memory)"

# fmt: off
_TIME_UNITS = {"ms": "ms", "msec": "ms", "millisecond": "ms", "µs": "us", "μs": "us", "us": "us", "microsecond": "us",
               "ns": "ns", "nanosecond": "ns", "s": "s", "sec": "s", "second": "s", "min": "min", "minute": "min"}
_MEMORY_UNITS = {"b": "B", "byte": "B", "kilobyte": "KB", "megabyte": "MB", "gigabyte": "GB", "terabyte": "TB"}
_COMPLEXITY_WORDS = {"constant": "1", "logarithmic": "log n", "linear": "n", "linearithmic": "n log n", "log-linear": "n log n",
                     "quadratic": "n^2", "cubic": "n^3", "exponential": "2^n"}
# compact big-O bodies (lower case, no spaces or '*') -> canonical form
_BIG_O_CANON = {"1": "1", "logn": "log n", "lgn": "log n", "n": "n", "nlogn": "n log n", "nlgn": "n log n", "n^2": "n^2",
                "nn": "n^2", "n^3": "n^3", "nnn": "n^3", "2^n": "2^n", "n!": "n!", "sqrtn": "sqrt n"}
# fmt: on
_MATH_WORDS = {"log", "lg", "ln", "sqrt", "logn", "lgn", "nlogn", "nlgn", "sqrtn"}


# -- rule functions -------------------------------------------------------------------------


def _fixed(type_: ConstraintType, spec: str) -> Callable[[re.Match[str], str], _Result]:
    return lambda _m, _text: (type_, spec)


def _big_o(m: re.Match[str], text: str) -> _Result:
    """`O(...)` is time unless a space word follows ("O(1) extra space") or leads in ("space complexity of O(1)")."""
    body = _big_o_body(m.group(1))
    if body is None:
        return None
    before = text[max(0, m.start() - 30) : m.start()]
    qualifier = (m.group(2) or "").lower()
    if "space" in qualifier or "memory" in qualifier or (not qualifier and _SPACE_BEFORE.search(before)):
        return "resource", f"space=O({body})"
    return "performance", f"O({body})"


_SPACE_BEFORE = re.compile(r"\b(?:space|memory)(?:\s+complexity)?(?:\s+(?:of|is|in|should\s+be|must\s+be))?\s*$", re.IGNORECASE)


def _big_o_body(body: str) -> str | None:
    """Canonical body of O(...): 'N' -> 'n', 'nlogn' -> 'n log n', 'n²' -> 'n^2'; None when it is not math."""
    e = body.replace("²", "^2").replace("³", "^3").replace("**", "^").replace("·", "*").replace("×", "*").strip()
    if not e or len(e) > 30 or not re.fullmatch(r"[\w\s^*+\-/.!()]+", e):
        return None
    if any(len(w) > 1 and w.lower() not in _MATH_WORDS for w in re.findall(r"[A-Za-z]+", e)):
        return None
    compact = re.sub(r"[\s*]", "", e.lower()).replace("(n)", "n")
    return _BIG_O_CANON.get(compact, re.sub(r"\s+", " ", e))


def _complexity_words(m: re.Match[str], _text: str) -> _Result:
    body = _COMPLEXITY_WORDS[re.sub(r"[\s-]+", "-", m.group(1).lower())]
    if (m.lastindex or 0) >= 2 and re.search(r"space|memory", m.group(2), re.IGNORECASE):
        return "resource", f"space=O({body})"
    return "performance", f"O({body})"


def _time_budget(m: re.Match[str], _text: str) -> _Result:
    unit = m.group(2).lower()
    unit = _TIME_UNITS.get(unit) or _TIME_UNITS[unit.removesuffix("s")]
    return "performance", f"time<={m.group(1)}{unit}"


def _memory_budget(m: re.Match[str], _text: str) -> _Result:
    unit = m.group(2)
    if unit.lower().endswith("ib"):
        unit = unit[0].upper() + "iB"
    else:
        unit = _MEMORY_UNITS.get(unit.lower().removesuffix("s"), unit.upper())
    return "resource", f"memory<={m.group(1)}{unit}"


def _version(name: str) -> Callable[[re.Match[str], str], _Result]:
    """`Python 3.8+` -> python>=3.8, `Python 3.11` -> python==3.11; groups: (at least)?, (>=)?, version, (later)?."""

    def spec(m: re.Match[str], _text: str) -> _Result:
        version = m.group(3)
        if name == "ecmascript" and 6 <= int(version) < 1000:
            version = str(2009 + int(version))  # ES6 is ECMAScript 2015
        op = ">=" if m.group(1) or m.group(2) or m.group(4) else "=="
        return "compatibility", f"{name}{op}{version}"

    return spec


# -- the rule table ---------------------------------------------------------------------------

# fmt: off
# Rules whose formal spec depends on the match: (spec function, pattern).
_COMPUTED_RULES: list[tuple[Callable[[re.Match[str], str], _Result], str]] = [
    (_big_o, rf"(?<![\w.])[OoΘ]\s*\(((?:[^()]|\([^()]*\))*)\)(\s+{_SPACE_WORDS}|\s+time(?:\s+complexity)?|\s+complexity)?"),
    (_complexity_words, (r"\b(constant|logarithmic|linear|linearithmic|log[- ]linear|quadratic|cubic|exponential)\s+"
                        rf"(time(?:\s+complexity)?|runtime|complexity|{_SPACE_WORDS})\b")),
    (_complexity_words, r"\b(?:at\s+worst|no\s+worse\s+than)\s+(constant|logarithmic|linear|linearithmic|quadratic|cubic)\b(?:\s+time)?"),
    (_time_budget, rf"{_BUDGET}{_NUMBER}\s*{_TIME_UNIT}"),
    (_time_budget, rf"(?<![\w.]){_NUMBER}\s*{_TIME_UNIT}{_OR_LESS}"),
    (_memory_budget, rf"{_BUDGET}{_NUMBER}\s*{_MEMORY_UNIT}{_MEMORY_TAIL}"),
    (_memory_budget, rf"(?<![\w.]){_NUMBER}\s*{_MEMORY_UNIT}{_MEMORY_TAIL}{_OR_LESS}"),
    (_version("python"), rf"(\bat\s+least\s+)?\bpython\s*(>=|≥)?\s*(\d+(?:\.\d+){{0,2}})\b{_LATER}"),
    (_version("ecmascript"), rf"(\bat\s+least\s+)?\b(?:ES|ECMAScript)\s*(>=|≥)?\s*(\d{{1,4}})\b{_LATER}"),
    (_version("node"), rf"(\bat\s+least\s+)?(?:\b(?-i:Node)(?:\.js)?|\bnode\.?js)\s*(>=|≥)?\s*v?(\d+)(?:\.\d+){{0,2}}\b{_LATER}"),
]
# Rules with a fixed formal spec: (type, spec) -> patterns.
_FLAG_RULES: dict[tuple[ConstraintType, str], tuple[str, ...]] = {
    ("performance", "O(n)"): (r"\b(?:a\s+)?(?:single|one)\s+pass\b",),
    ("safety", "handles_empty"): (
        (rf"\b{_COPE}\s+(?:(?:an?|the|any)\s+)?(?:empty|zero[- ]length|blank)\s+"
         rf"(?:inputs?|lists?|strings?|arrays?|texts?|collections?|sequences?|values?|data)\b{_ADVERB}"),
    ),
    ("safety", "null_safe"): (
        (rf"\b{_COPE}\s+(?:(?:an?|the|any)\s+)?(?:(?:null|nil|undefined|(?-i:None))"
         rf"(?:\s+(?:inputs?|values?|arguments?|elements?|items?|pointers?))?|missing\s+(?:inputs?|values?|arguments?))\b{_ADVERB}"),
        r"\b(?:null|nil|none)[- ]safe(?:ty)?\b",
    ),
    ("safety", "bounds_checked"): (
        r"\bbounds?[- ]check(?:ed|s|ing)?\b",
        r"\bcheck(?:s|ing)?\s+(?:the\s+)?(?:(?:array|index|list|input)\s+)?bounds\b",
        (rf"\b(?:{_NEG}|no|without)\s+(?:(?:go(?:es|ing)?|index(?:es|ing)?|read(?:s|ing)?|writ(?:e|es|ing)|access(?:es|ing)?)\s+)?"
         r"out[- ]of[- ](?:bounds|range)(?:\s+(?:access(?:es)?|reads|writes|errors?|indices|indexes))?\b"),
        r"\bstay(?:s|ing)?\s+(?:with)?in\s+bounds\b",
    ),
    ("safety", "no_div_by_zero"): (
        (rf"\b(?:avoid(?:s|ing)?|prevent(?:s|ing)?|guard(?:s|ing)?\s+against|{_NEG}|no|without)\s+(?:a\s+)?"
         r"(?:division|dividing|divid(?:e|es))\s+by\s+zero\b"),
    ),
    ("security", "no_network"): (
        r"\bno\s+(?:network|internet)(?:\s+(?:access|calls|requests|i/o|io|connections?))?\b",
        (rf"\b(?:{_NEG}\s+(?:access|touch|use|call|hit|reach|open|make)|without\s+(?:accessing|touching|using|calling|hitting"
         r"|reaching|opening|making))\s+(?:the\s+|any\s+)?(?:network|internet)(?:\s+(?:calls|requests|connections))?\b"),
        r"\b(?:offline[- ]only|(?:works?|runs?|working|running)\s+(?:fully\s+)?offline)\b",
    ),
    ("security", "no_filesystem"): (
        r"\bno\s+(?:(?:file[\s-]*system)(?:\s+(?:access|i/o|io|writes|reads))?|(?:disk|file)\s+(?:access|i/o|io|writes|reads))\b",
        (rf"\b(?:{_NEG}\s+(?:access|touch|use|read\s+from|write\s+to|write|open)|without\s+(?:accessing|touching|using"
         r"|reading\s+from|writing\s+to|writing|opening))\s+(?:the\s+|any\s+)?(?:local\s+)?(?:file[\s-]*system|disk|files)\b"),
    ),
    ("security", "validates_input"): (
        (r"\b(?:validat(?:e|es|ing)|saniti[sz](?:e|es|ing))\s+(?:(?:all|the|its|every|each|any)\s+)?"
         r"(?:(?:user|untrusted|external|incoming)\s+)?(?:inputs?|arguments?|parameters?|params)\b"
         r"(?!\s+(?:strings?|lists?|arrays?|numbers?|values?|files?|data|text)\b)"),
        r"\binput\s+validation\b",
    ),
    ("security", "no_eval"): (rf"\b(?:no|{_NEG}\s+use|without\s+using)\s+eval\b(?:\(\))?",),
    ("security", "no_subprocess"): (
        (rf"\b(?:no|{_NEG}\s+(?:run|spawn|use|start)|without\s+(?:running|spawning|using|starting))\s+(?:any\s+)?"
         r"(?:shell\s+commands?|subprocess(?:es)?|external\s+(?:commands?|processes|programs))\b"),
    ),
    ("compatibility", "stdlib_only"): (
        r"\b(?:(?:python\s+)?standard[- ]library|stdlib)[- ]only\b",
        r"\bonly\s+(?:the\s+)?(?:python\s+)?(?:standard\s+library|stdlib)\b",
        r"\b(?:no|without(?:\s+any)?)\s+(?:third[- ]party|external)\s+(?:dependencies|libraries|packages|modules|deps)\b",
    ),
    ("reliability", "deterministic"): (r"(?<!non-)(?<!non )\bdeterministic(?:ally)?\b",),
    ("reliability", "no_raise"): (
        rf"\b{_NEG}\s+(?:raises?|throws?|crash(?:es)?|panics?)\b(?!\s+(?:away|out)\b)(?:\s+(?:an?\s+|any\s+)?(?:exceptions?|errors?))?",
        r"\bno\s+(?:exceptions|crashes|panics)\b|\b(?:exception|crash)[- ]free\b",
        r"\bwithout\s+(?:raising|throwing|crashing)\b(?:\s+(?:an?\s+|any\s+)?(?:exceptions?|errors?))?",
    ),
    ("reliability", "thread_safe"): (
        r"\bthread[- ]?safe(?:ty)?\b",
        r"\bsafe\s+(?:to\s+(?:call|use)\s+)?(?:from|across|with)\s+(?:multiple|many|several|concurrent)\s+threads\b",
    ),
    ("reliability", "pure"): (
        r"\bpure\s+function\b|\b(?:no|without(?:\s+any)?|free\s+of)\s+side[- ]effects\b|\bside[- ]effect[- ]free\b",
    ),
    ("reliability", "idempotent"): (r"\bidempotent\b",),
    ("reliability", "no_input_mutation"): (
        (rf"\b(?:{_NEG}|without)\s+(?:mutat(?:e|es|ing)|modify(?:ing)?|modifies|chang(?:e|es|ing)|alter(?:s|ing)?)\s+"
         r"(?:(?:the|its|their|any)\s+)?(?:inputs?|arguments?|parameters?|original(?:\s+(?:list|array|string|data|input))?)\b"),
    ),
    ("reliability", "terminates"): (r"\b(?:always\s+terminates?|guaranteed\s+to\s+terminate)\b",),
}
# fmt: on
_RULES = [_Rule(re.compile(p, re.IGNORECASE), spec) for spec, p in _COMPUTED_RULES] + [
    _Rule(re.compile(p, re.IGNORECASE), _fixed(*flag)) for flag, patterns in _FLAG_RULES.items() for p in patterns
]

# A clause boundary ends the reach of a negation: "never raise, deterministic" is not negated.
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]{}—–]|\s-\s|\b(?:and|or|but|while|so|then)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\bnot\b|n't\b|\bno\s+need\b|\bwithout\b", re.IGNORECASE)


def _negated(text: str, start: int) -> bool:
    """Whether the clause before `start` negates what follows ("doesn't need to be thread-safe")."""
    clause = _CLAUSE_BREAK.split(text[max(0, start - 40) : start])[-1]
    return bool(_NEGATION.search(clause))


def parse_constraints(text: str) -> list[tuple[IntentConstraint, Span]]:
    """The constraints `text` states, in text order, each with its character span.

    Overlapping matches keep the longest ("never crash on null" is null safety, not
    "never crash"); a match inside a negated clause is dropped."""
    found: list[tuple[int, int, int, ConstraintType, str]] = []
    for order, rule in enumerate(_RULES):
        for m in rule.pattern.finditer(text):
            result = rule.spec(m, text)
            if result is not None and m.end() > m.start() and not _negated(text, m.start()):
                found.append((m.start(), -m.end(), order, *result))
    out: list[tuple[IntentConstraint, Span]] = []
    last_end = 0
    for start, neg_end, _order, type_, spec in sorted(found):
        if start >= last_end:
            out.append((IntentConstraint(type=type_, description=text[start:-neg_end], formal_spec=spec), (start, -neg_end)))
            last_end = -neg_end
    return out
