"""Text -> v2 intent records of composed behaviours, per split and split kind, each program proven.

Train holds `phrasing`-kind behaviours (and `unknown_part` ones, with the training half of the
unknown-part phrases), phrased with the training templates. Validation, calibration and test
each hold all four kinds, phrased with their held-out templates:

- phrasing: behaviours of trained combinations (the exact behaviour may be new, its shape is not);
- combination: shapes (predicate, transform, reducer) no training example has, every part trained;
- family: a part never trained on (parts.HELD_OUT_PARTS): the system must decline;
- unknown_part: a part the space does not have, with phrases training never used: must decline.

Every composed program in the data is imported from its Python and run against its parts-built
reference on its cases (the proof the catalog's programs pass too).
"""

from __future__ import annotations

import ast
import hashlib
import random
from collections import Counter
from typing import Any

from anrf_lsp.intent.behaviour import UNKNOWN_PART
from anrf_lsp.intent.labels import ENTITY_LABELS, INTENT_TYPES
from anrf_lsp.intent.slots import NONE, SLOTS, VALUE_KINDS, slots_of
from anrf_lsp.program.python_import import PythonImportError, import_python
from training.phrasing import generate_examples

from . import parts, space
from .phrasing import behaviour_of, kind_of, unknown_behaviour

EVALUATION_MIX = {"phrasing": 0.45, "combination": 0.25, "family": 0.2, "unknown_part": 0.1}
TRAIN_UNKNOWN_SHARE = 0.08


def label_spaces(operations: list[str]) -> dict[str, Any]:
    """What the intent trainer builds its heads from (the dataset manifest carries it)."""
    predicate_names = sorted({p.name for p in parts.PREDICATES})
    slots = {
        "source": [UNKNOWN_PART, NONE, *sorted({s.name for s in parts.SOURCES})],
        "select": [UNKNOWN_PART, NONE, *space.SELECTS],
        "connective": [NONE, "not", "and", "or", UNKNOWN_PART],
        "pred1": [NONE, UNKNOWN_PART, *predicate_names],
        "value1": list(VALUE_KINDS),
        "pred2": [NONE, UNKNOWN_PART, *predicate_names],
        "value2": list(VALUE_KINDS),
        "map": [UNKNOWN_PART, NONE, *sorted({t.name for t in parts.TRANSFORMS})],
        "reduce": [UNKNOWN_PART, NONE, *sorted({r.name for r in parts.REDUCERS})],
    }
    assert tuple(slots) == SLOTS
    return {"intent_types": list(INTENT_TYPES), "entity_labels": list(ENTITY_LABELS), "operations": operations, "slots": slots,
            "shapes": ["named", "fold", "none"]}


def _id(seed: int, split: str, i: int) -> str:
    return hashlib.sha256(f"{seed}:compose:{split}:{i}".encode()).hexdigest()[:16]


def _draw(rng: random.Random, want: dict[str, int], seen_shapes: set[str] | None) -> dict[str, list[space.Spec]]:
    """Specs per kind until each quota is met (unknown_part draws phrasing-kind specs to alter)."""
    out: dict[str, list[space.Spec]] = {k: [] for k in want}
    keys: set[str] = set()
    total = space.count()
    for _ in range(sum(want.values()) * 60):
        if all(len(out[k]) >= n for k, n in want.items()):
            break
        spec = space.spec_at(rng.randrange(total))
        kind = kind_of(spec)
        if kind == "phrasing" and "unknown_part" in want and len(out["unknown_part"]) < want["unknown_part"] and rng.random() < 0.3:
            kind = "unknown_part"
        if kind not in want or len(out[kind]) >= want[kind] or spec.key() in keys:
            continue
        if kind == "combination" and seen_shapes is not None and not spec.parts() <= seen_shapes:
            continue  # "every part seen in training": only parts the train split has
        keys.add(spec.key())
        out[kind].append(spec)
    return out


def prove_spec(spec: space.Spec, rng: random.Random) -> list[str]:
    """Problems with a composed program: it must import, pass every checker and equal its reference."""
    from training.behaviour import Case
    from training.proof import prove

    try:
        doc = import_python(spec.python(summary="Composed behaviour."), filename=f"{spec.name()}.py")
    except PythonImportError as exc:
        return [f"import failed: {exc}"]
    cases = spec.cases(rng)
    return prove(doc, [Case(spec.name(), args) for args in cases], [spec.reference(args) for args in cases])


def _renamed(source: str, names: dict[str, str]) -> str | None:
    """`source` with its parameters renamed (`names`: old -> new); None when a new name is already
    a local of the function (the program would change meaning)."""
    tree = ast.parse(source)
    taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - set(names)
    if any(new in taken for old, new in names.items() if old != new):
        return None
    for n in ast.walk(tree):
        if isinstance(n, ast.arg) and n.arg in names:
            n.arg = names[n.arg]
        elif isinstance(n, ast.Name) and n.id in names:
            n.id = names[n.id]
    return ast.unparse(tree) + "\n"


def generation_record(record_id: str, spec: space.Spec, intent: Any, rng: random.Random) -> tuple[dict | None, list[str]]:
    """An (intent v2 -> ANRF) pair for a composed request, the way generation builds it at run time:
    the spec's program under the intent's names, in compact form, assembled with the intent's
    request (its description and constraints), proven on the spec's cases. None, with the reason,
    when the intent's names or constraints cannot hold for this program (a parameter named like a
    local, a complexity the loop does not have): such a text is left out of the generation pairs."""
    from anrf_lsp.program.builder import BuildRequest
    from anrf_lsp.program.compact import CompactError, assemble, to_compact
    from training.behaviour import Case
    from training.proof import prove

    name = intent.target.name
    old = [n for n, _ in spec.signature()]
    source = _renamed(spec.python(name=name), dict(zip(old, (p.name for p in intent.parameters), strict=False)))
    if source is None:
        return None, ["a parameter is named like a local"]
    try:
        compact = to_compact(import_python(source, filename=f"{name}.py"))
        anrf = assemble(compact, BuildRequest.from_intent(intent, f"anrf-{record_id}"))
    except (PythonImportError, CompactError) as exc:
        return None, [f"build failed: {exc}"]
    cases = spec.cases(rng)
    expected = [spec.reference(args) for args in cases]
    problems = prove(anrf, [Case(name, args) for args in cases], expected)
    if problems:
        return None, problems
    return {"id": record_id, "intent": intent.model_dump(mode="json"), "anrf": anrf,
            "cases": [{"function": name, "args": a, "expected": e} for a, e in zip(cases, expected, strict=True)],
            "behaviour": intent.behaviour.text()}, []


def build_records(seed: int, total: int, proportions: dict[str, float], templates_of: Any,
                  prove: Any = prove_spec, generation: bool = False) -> tuple[dict[str, list[dict]], list[str]]:
    """Records per split (`proportions`: split -> share, train first; `templates_of(split)`: its phrasing
    templates), and the problems found proving the programs (empty when all hold). With `generation`,
    each record of a known kind (not unknown_part) also carries `generation`: its intent -> ANRF
    pair (generation_record), or None where the text's names or constraints cannot hold."""
    records: dict[str, list[dict]] = {}
    problems: list[str] = []
    trained_parts: set[str] = set()
    for split, share in proportions.items():
        n = round(total * share)
        rng = random.Random(f"{seed}:compose:{split}")
        if split == "train":
            want = {"phrasing": n - round(n * TRAIN_UNKNOWN_SHARE), "unknown_part": round(n * TRAIN_UNKNOWN_SHARE)}
        else:
            want = {k: round(n * f) for k, f in EVALUATION_MIX.items()}
        drawn = _draw(rng, want, trained_parts if split != "train" else None)
        evaluation = split != "train"
        behaviours = []
        for kind, specs in drawn.items():
            for spec in specs:
                b = unknown_behaviour(spec, rng, evaluation) if kind == "unknown_part" else behaviour_of(spec, rng)
                behaviours.append((kind, spec, b))
                if kind != "unknown_part":
                    problems.extend(f"{split} {spec.key()}: {p}" for p in prove(spec, rng))
        templates = templates_of(split)
        examples = generate_examples([b for _, _, b in behaviours], rng, 1, templates=templates)
        out = []
        case_rng = random.Random(f"{seed}:compose-cases:{split}")
        for i, ((kind, spec, _), ex) in enumerate(zip(behaviours, examples, strict=True)):
            slots, values, params = slots_of(ex.intent.behaviour)
            if split == "train" and kind == "phrasing":
                trained_parts |= spec.parts()
            record = {"id": _id(seed, split, i), "text": ex.text, "intent": ex.intent.model_dump(mode="json"), "template": ex.template,
                      "family": ex.family, "behaviour": ex.intent.behaviour.text(), "kind": kind, "shape": "fold", "slots": slots,
                      "values": values, "value_params": params}
            if generation and kind != "unknown_part":
                pair, _why = generation_record(record["id"], spec, ex.intent, case_rng)
                record["generation"] = None if pair is None else {**pair, "template": ex.template, "family": ex.family, "kind": kind}
            out.append(record)
        rng.shuffle(out)
        records[split] = out
    return records, problems


def kind_counts(records: list[dict]) -> dict[str, int]:
    return dict(sorted(Counter(r.get("kind", "catalog") for r in records).items()))
