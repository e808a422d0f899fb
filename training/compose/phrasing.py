"""Composed behaviours as phrasing-engine behaviours, and the split kinds that measure generalization.

`behaviour_of(spec, rng)` turns a Spec into a `training.behaviour.Behaviour` whose phrases are
built from the parts' phrasings ("return the product of the ⟦positive⟧ numbers ..."; a literal
operand is marked ⟦10⟧ so the phrasing engine labels it VALUE), whose `tree` is the v2 behaviour
expression, and whose build goes through the Python importer. `unknown_behaviour` swaps one part
for a phrase of a part the space does not have ("the median of", "prime"), labelled `unknown`:
what teaches the model to say so instead of naming the nearest part.

Kinds (`kind_of`): `family` (a part in parts.HELD_OUT_PARTS: never trained on, to be declined),
`combination` (every part trained on, this combination of predicate, transform and reducer never),
`phrasing` (trained combinations, held-out templates in evaluation splits).
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from anrf_lsp.intent.behaviour import UNKNOWN_PART, BehaviourNode, node
from anrf_lsp.program.compact import assemble
from anrf_lsp.program.python_import import translate
from training.behaviour import Behaviour, BuildRequest, Case, Param, behaviour_type
from training.catalog.python_refs import renamed

from .space import PARAM, Atom, Condition, Spec

KINDS = ("phrasing", "combination", "family", "unknown_part")
COMBINATION_SHARE = 0.12  # of combination shapes held out of training

_VERBS = ("return", "compute", "get", "find", "calculate", "give back")
_PARAM_WORDS = {"threshold": ("a threshold", "a given threshold", "the threshold", "a limit value"),
                "divisor": ("a divisor", "a given divisor", "the divisor"),
                "prefix": ("a prefix", "a given prefix", "the prefix"), "suffix": ("a suffix", "a given suffix", "the suffix"),
                "needle": ("a substring", "a given substring", "the search text"), "length": ("a given length", "a length", "n characters"),
                "target": ("a target word", "a given word", "the target")}

# Phrases of parts the space does not have, per slot: half for training, half held out for evaluation.
UNKNOWN_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "map": {"num": ("the logarithms of", "the square roots of", "the factorials of", "the reciprocals of", "the rounded values of",
                    "the cumulative sums of", "the percentages of", "the binary forms of"),
            "str": ("the hashes of", "the encrypted versions of", "the translations of", "the title-cased versions of",
                    "the slugs of", "the base64 encodings of", "the stemmed forms of", "the pig-latin versions of")},
    "reduce": {"num": ("the median of {elements}", "the mode of {elements}", "the standard deviation of {elements}",
                       "the variance of {elements}", "the second largest of {elements}", "a histogram of {elements}",
                       "the geometric mean of {elements}", "a random one of {elements}"),
               "str": ("the most common of {elements}", "a word cloud of {elements}", "the alphabetically last of {elements}",
                       "a spell-checked copy of {elements}", "the rarest of {elements}", "a summary of {elements}",
                       "the longest common prefix of {elements}", "a random one of {elements}")},
    "pred": {"num": ("prime", "perfect squares", "Fibonacci numbers", "powers of two", "leap years", "triangular numbers",
                     "perfect numbers", "happy numbers"),
             "str": ("valid email addresses", "URLs", "dates", "spelled correctly", "anagrams of each other", "in French",
                     "valid identifiers", "hex colours")},
}


def _split_half(phrases: tuple[str, ...], evaluation: bool) -> tuple[str, ...]:
    return phrases[1::2] if evaluation else phrases[0::2]


def kind_of(spec: Spec) -> str:
    if spec.held_out_family():
        return "family"
    digest = int(hashlib.sha256(spec.shape().encode()).hexdigest()[:8], 16)
    return "combination" if digest % 1000 < COMBINATION_SHARE * 1000 else "phrasing"


# -- phrases ----------------------------------------------------------------------------------


def _value_text(atom: Atom, rng: random.Random) -> str:
    if atom.value == PARAM:
        return rng.choice(_PARAM_WORDS[atom.predicate.param])
    if isinstance(atom.value, str):
        return rng.choice(('"⟦{}⟧"', "'⟦{}⟧'", "⟦{}⟧")).format(atom.value)
    return f"⟦{atom.value}⟧"


def _atom_text(atom: Atom, rng: random.Random, adjectival: bool) -> str:
    phrases = [p for p in atom.predicate.phrases if not adjectival or not p.startswith(("that ", "with "))] or list(atom.predicate.phrases)
    return rng.choice(phrases).replace("{v}", _value_text(atom, rng))


def _condition_text(condition: Condition, rng: random.Random) -> str:
    if condition.connective == "not":
        return "not " + _atom_text(condition.atoms[0], rng, True)
    if condition.connective:
        return f" {condition.connective} ".join(_atom_text(a, rng, True) for a in condition.atoms)
    return _atom_text(condition.atoms[0], rng, False)


def _select_text(spec: Spec, rng: random.Random, predicate: str | None = None) -> str:
    if spec.condition is None and predicate is None:
        return ""
    p = predicate if predicate is not None else _condition_text(spec.condition, rng)  # type: ignore[arg-type]
    if spec.select == "take_while":
        return rng.choice((f" while they are {p}", f" as long as they are {p}", f" until one is not {p}"))
    if p.startswith(("that ", "with ")):
        return " " + p
    return rng.choice((f" that are {p}", f" which are {p}", f" that are {p}", f", only the ones that are {p}"))


def _task(reducer_phrase: str, elements: str, rng: random.Random) -> str:
    text = reducer_phrase.replace("{elements}", elements)
    if text.startswith(("the ", "a ", "whether ", "if ", "where ", "how many", "{", elements)):
        text = f"{rng.choice(_VERBS)} {text}"
    return text


def phrases_of(spec: Spec, rng: random.Random, n: int = 3, replace: tuple[str, str] | None = None) -> list[str]:
    """`n` task phrases for `spec`; `replace` = (slot, phrase) swaps one part's phrase for another's."""
    out: list[str] = []
    for _ in range(n * 3):
        transform = rng.choice(spec.transform.phrases)
        reducer = rng.choice(spec.reducer.phrases)
        predicate = None
        if replace is not None:
            slot, phrase = replace
            transform = phrase if slot == "map" else transform
            reducer = phrase if slot == "reduce" else reducer
            predicate = phrase if slot == "pred" else None
        source = rng.choice(spec.source.phrases)
        elements = " ".join(w for w in (transform, source) if w) + _select_text(spec, rng, predicate)
        phrase = _task(reducer, elements, rng)
        if phrase not in out:
            out.append(phrase)
        if len(out) == n:
            break
    return out


# -- behaviours ---------------------------------------------------------------------------------


def behaviour_of(spec: Spec, rng: random.Random) -> Behaviour:
    """A phrasing-engine Behaviour for a composed spec (its build imports the spec's Python)."""
    params = tuple(Param(n, behaviour_type(t)) for n, t in spec.signature())
    summary = phrases_of(spec, rng, 1)[0]
    summary = summary[0].upper() + summary[1:] + "."

    def build(request: BuildRequest) -> dict[str, Any]:
        names = request.param_names if len(request.param_names) == len(params) else tuple(p.name for p in params)
        source = renamed(spec.python(summary=summary), request.name, dict(zip((n for n, _ in spec.signature()), names, strict=True)))
        return assemble(translate(source, filename=f"{request.name}.py").text(), request)

    return Behaviour(
        key=spec.key(), kind="function", name=spec.name(), category="compose", summary=summary,
        phrases=tuple(phrases_of(spec, rng, 3)), params=params, return_type=behaviour_type(spec.returns().removesuffix(" | None")),
        build=build, cases=lambda r: [Case(spec.name(), args) for args in spec.cases(r)],
        reference=lambda case: spec.reference(case.args), tags=("compose",), tree=spec.tree(),
    )


def unknown_behaviour(spec: Spec, rng: random.Random, evaluation: bool) -> Behaviour:
    """`spec` with one part (transform, reducer or predicate) replaced by a part the space lacks."""
    elem = spec.transform.gives
    slots = ["map", "reduce"] + (["pred"] if spec.condition is not None and spec.condition.connective == "" else [])
    slot = rng.choice(slots)
    kind = spec.source.elem if slot in ("map", "pred") else elem
    phrase = rng.choice(_split_half(UNKNOWN_PHRASES[slot][kind], evaluation))
    tree = spec.tree()
    args = dict(tree.args)
    if slot == "pred":
        args["select"] = node(spec.select, predicate=node(UNKNOWN_PART))
    else:
        args[slot] = node(UNKNOWN_PART)
    phrases = phrases_of(spec, rng, 3, replace=(slot, phrase))
    base = behaviour_of(spec, rng)
    return Behaviour(
        key=f"unknown:{slot}:{phrase}|{spec.key()}", kind="function", name=base.name, category="compose", summary=phrases[0],
        phrases=tuple(phrases), params=base.params, return_type=base.return_type, build=_no_build, cases=lambda r: [],
        reference=lambda case: None, tags=("compose", "unknown"), tree=BehaviourNode(part="fold", args=args),
    )


def _no_build(request: BuildRequest) -> dict[str, Any]:
    raise ValueError("a behaviour with an unknown part has no program: generation declines it")
