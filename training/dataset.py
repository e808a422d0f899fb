"""Build and validate a dataset version: text -> structured intent pairs and
structured intent -> ANRF pairs, split by phrasing template, every ANRF proven.

Splits (70/10/10/10): whole phrasing templates are held out
(`training.phrasing.HELD_OUT_TEMPLATES`: per family one create template that
fits every kind, one modify template and two out-of-scope patterns for each of
validation and test). `train` is phrased only with the other templates,
`validation` and `calibration` with the validation templates, `test` with the
test templates. So no phrasing seen in training appears in any evaluation
split, and test phrasings are unseen by validation and calibration too.

Every generated ANRF must pass every checker (no errors, no warnings) and run
equal to its behaviour's reference implementation on the example's test cases;
a failure is a generator bug, and the build stops with a report.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import random
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from anrf_lsp.intent.schema import StructuredIntent

from . import storage
from .behaviour import Behaviour, BuildRequest, Case, renamed_function
from .configs import BuildConfig
from .proof import prove

SPLITS = ("train", "validation", "calibration", "test")
INTENT_FILE = "intent_{split}.jsonl"
GENERATION_FILE = "generation_{split}.jsonl"


class DataBuildError(RuntimeError):
    """A generated example failed its own proof: a generator bug, reported in full."""


@dataclass(frozen=True)
class BuiltDataset:
    files: dict[str, bytes]
    manifest: dict[str, Any]
    card: str


def catalog(keys: Iterable[str] | None = None) -> list[Behaviour]:
    from .catalog import CATALOG

    if keys is None:
        return list(CATALOG.values())
    missing = [k for k in keys if k not in CATALOG]
    if missing:
        raise ValueError(f"unknown behaviour(s): {', '.join(missing)}")
    return [CATALOG[k] for k in keys]


# Share of each split in both datasets; validation and calibration share held-out templates.
PROPORTIONS = {"train": 0.7, "validation": 0.1, "calibration": 0.1, "test": 0.1}
TEMPLATE_SPLIT = {"train": "train", "validation": "validation", "calibration": "validation", "test": "test"}


def template_splits() -> dict[str, str]:
    """template id -> the split(s) it phrases: "train", "validation" (validation and calibration) or "test"."""
    from .phrasing import OUT_OF_SCOPE_TEMPLATES, TEMPLATES, templates_for_split

    out = {t: "train" for t in [*TEMPLATES, *OUT_OF_SCOPE_TEMPLATES]}
    for split in ("validation", "test"):
        out.update({t: split for t in templates_for_split(split)})
    return dict(sorted(out.items()))


def _example_id(seed: int, kind: str, number: int) -> str:
    return hashlib.sha256(f"{seed}:{kind}:{number}".encode()).hexdigest()[:16]


def _split_sizes(total: int) -> dict[str, int]:
    sizes = {s: round(total * share) for s, share in PROPORTIONS.items()}
    sizes["train"] += total - sum(sizes.values())
    return sizes


def _phrased(behaviours: list[Behaviour], split: str, n: int, oos: int, seed: int, kind: str, **kw: Any) -> list[Any]:
    """`n` in-scope examples (and `oos` out-of-scope ones) phrased with the templates of `split` only."""
    from .phrasing import generate_examples, out_of_scope_examples, templates_for_split

    templates = templates_for_split(TEMPLATE_SPLIT[split])
    rng = random.Random(f"{seed}:{kind}:{split}")
    per_behaviour = max(1, math.ceil(n / len(behaviours)))
    examples = generate_examples(behaviours, rng, per_behaviour, templates=templates, **kw)
    rng.shuffle(examples)
    return examples[:n] + (out_of_scope_examples(rng, oos, templates=templates) if oos else [])


def build(config: BuildConfig) -> BuiltDataset:
    """Generate, prove and serialize one dataset version (in memory)."""
    from .catalog import complexity

    behaviours = catalog(config.behaviours)
    by_key = {b.key: b for b in behaviours}
    intent_records: dict[str, list[dict]] = {}
    generation_records: dict[str, list[dict]] = {}
    failures: list[str] = []
    sizes = _split_sizes(config.intent_examples)
    gen_sizes = _split_sizes(config.generation_examples)
    # Texts promise only complexities the programs have (else ANRF402 would refute the proof).
    declared = functools.cache(complexity)
    for split in SPLITS:
        oos = round(sizes[split] * config.out_of_scope_fraction)
        texts = _phrased(behaviours, split, sizes[split] - oos, oos, config.seed, "intent")
        intent_records[split] = [_intent_record(_example_id(config.seed, f"intent:{split}", i), ex) for i, ex in enumerate(texts)]

        case_rng = random.Random(f"{config.seed}:cases:{split}")
        generation_records[split] = []
        for i, ex in enumerate(_phrased(behaviours, split, gen_sizes[split], 0, config.seed, "generation", complexity=declared)):
            example_id = _example_id(config.seed, f"generation:{split}", i)
            record, problems = _generation_record(example_id, ex, by_key[ex.behaviour], case_rng)
            if problems:
                failures.append(f"{example_id} ({ex.behaviour}, template {ex.template}): " + "; ".join(problems))
            else:
                generation_records[split].append(record)
    if config.compose_examples:
        from .compose.records import build_records
        from .phrasing import templates_for_split

        composed, problems = build_records(config.seed, config.compose_examples, PROPORTIONS,
                                           lambda split: templates_for_split(TEMPLATE_SPLIT[split]), generation=True)
        failures.extend(problems)
        for split in SPLITS:
            pairs = [r.pop("generation") for r in composed[split] if "generation" in r]
            intent_records[split].extend(composed[split])
            random.Random(f"{config.seed}:mix:{split}").shuffle(intent_records[split])
            # composed intent v2 -> ANRF pairs beside the catalog's (texts whose constraint the program cannot meet are left out)
            generation_records[split].extend(p for p in pairs if p is not None)
            random.Random(f"{config.seed}:mix-generation:{split}").shuffle(generation_records[split])
    if failures:
        shown = "\n  ".join(failures[:50])
        raise DataBuildError(f"{len(failures)} generated example(s) failed their proof (generator bugs):\n  {shown}")

    files: dict[str, bytes] = {}
    for split in SPLITS:
        files[INTENT_FILE.format(split=split)] = storage.jsonl_bytes(intent_records[split])
        files[GENERATION_FILE.format(split=split)] = storage.jsonl_bytes(generation_records[split])
    manifest = _manifest(config, behaviours, template_splits(), intent_records, generation_records)
    return BuiltDataset(files, manifest, dataset_card(manifest))


def _intent_record(example_id: str, ex: Any) -> dict[str, Any]:
    return {
        "id": example_id,
        "text": ex.text,
        "intent": ex.intent.model_dump(mode="json"),
        "template": ex.template,
        "family": ex.family,
        "behaviour": ex.behaviour,
    }


def _generation_record(example_id: str, ex: Any, behaviour: Behaviour, case_rng: random.Random) -> tuple[dict, list[str]]:
    request = BuildRequest.from_intent(ex.intent, f"anrf-{example_id}")
    try:
        anrf = behaviour.build(request)
        cases = behaviour.cases(case_rng)
        expected = [behaviour.reference(c) for c in cases]
    except Exception as exc:  # noqa: BLE001 - reported with the example, the build stops
        return {}, [f"build failed: {type(exc).__name__}: {exc}"]
    cases = [Case(renamed_function(c.function, behaviour, request), c.args) for c in cases]
    problems = prove(anrf, cases, expected)
    record = {
        "id": example_id,
        "intent": ex.intent.model_dump(mode="json"),
        "anrf": anrf,
        "cases": [{"function": c.function, "args": c.args, "expected": e} for c, e in zip(cases, expected, strict=True)],
        "template": ex.template,
        "family": ex.family,
        "behaviour": behaviour.key,
    }
    return record, problems


def _manifest(
    config: BuildConfig,
    behaviours: list[Behaviour],
    template_split: dict[str, str],
    intent_records: dict[str, list[dict]],
    generation_records: dict[str, list[dict]],
) -> dict[str, Any]:
    def labels(records: list[dict], field: str) -> dict[str, int]:
        if field == "intent_type":
            return dict(sorted(Counter(r["intent"]["intent_type"] for r in records).items()))
        return dict(sorted(Counter(str(r.get(field)) for r in records).items()))

    from anrf_lsp.intent.labels import operation_labels

    from .compose.records import kind_counts, label_spaces

    return {
        "name": config.name,
        "format": "anrf-training-data/v2" if config.compose_examples else "anrf-training-data/v1",
        "label_spaces": label_spaces(list(operation_labels(b.key for b in behaviours))),
        "seed": config.seed,
        "generator_commit": storage.git_commit(),
        "config": {
            "intent_examples": config.intent_examples,
            "generation_examples": config.generation_examples,
            "out_of_scope_fraction": config.out_of_scope_fraction,
            "behaviours": [b.key for b in behaviours],
            "compose_examples": config.compose_examples,
        },
        "templates": dict(sorted(template_split.items())),
        "counts": {
            "intent": {s: len(intent_records[s]) for s in SPLITS},
            "intent_by_kind": {s: kind_counts(intent_records[s]) for s in SPLITS},
            "generation": {s: len(generation_records[s]) for s in SPLITS},
            "generation_by_kind": {s: kind_counts(generation_records[s]) for s in SPLITS},
        },
        "labels": {
            "intent": {s: {f: labels(intent_records[s], f) for f in ("intent_type", "behaviour", "family")} for s in SPLITS},
            "generation": {s: {f: labels(generation_records[s], f) for f in ("behaviour", "family")} for s in SPLITS},
        },
    }


def dataset_card(manifest: dict[str, Any]) -> str:
    """The markdown card of a dataset version, generated from its manifest."""
    lines = [
        f"# Dataset {manifest['name']} (seed {manifest['seed']})",
        "",
        ("Synthetic training data for anrf-lsp, generated from the behaviour catalog and the phrasing templates "
        "in `training/`. Every ANRF in it passes every checker and runs equal to its reference implementation "
        "on the example's test cases."),
        "",
        f"- generator commit: `{manifest['generator_commit']}`",
        f"- behaviours: {len(manifest['config']['behaviours'])}",
        (f"- reproduce: `anrf data build --seed {manifest['seed']} --intent-examples {manifest['config']['intent_examples']} "
        f"--generation-examples {manifest['config']['generation_examples']}` at that commit"),
        "",
        "## Splits",
        "",
        (
            "Whole phrasing templates are held out: train is phrased with its own templates only; validation and "
            "calibration share a second set of templates, test a third (`training.phrasing.HELD_OUT_TEMPLATES`)."
        ),
        "",
        "| split | text → intent | intent → ANRF |",
        "|---|---|---|",
    ]
    for s in SPLITS:
        lines.append(f"| {s} | {manifest['counts']['intent'][s]} | {manifest['counts']['generation'][s]} |")
    by_kind = manifest["counts"].get("intent_by_kind")
    if by_kind:
        lines += [
            "",
            ("Text → intent by split kind: `catalog` (named behaviours), `phrasing` (composed behaviours of trained combinations), "
            "`combination` (every part trained on, the combination never), `family` (a part never trained on: to be declined), "
            "`unknown_part` (a part the behaviour space lacks: to be declined)."),
            "",
            *_kind_table(by_kind),
        ]
    gen_by_kind = manifest["counts"].get("generation_by_kind")
    if gen_by_kind:
        lines += [
            "",
            ("Intent → ANRF by split kind (composed pairs come from the composed texts above; a text whose stated "
            "complexity the program cannot have is left out):"),
            "",
            *_kind_table(gen_by_kind),
        ]
    held = {t: s for t, s in manifest["templates"].items() if s != "train"}
    lines += ["", "Held-out templates: " + ", ".join(f"`{t}` ({s})" for t, s in sorted(held.items())), ""]
    for section, fields in (("intent", ("intent_type", "family", "behaviour")), ("generation", ("family", "behaviour"))):
        for field in fields:
            totals: Counter[str] = Counter()
            for s in SPLITS:
                totals.update(manifest["labels"][section][s][field])
            lines += [f"## {section}: {field}", "", "| label | " + " | ".join(SPLITS) + " |", "|---|" + "---|" * len(SPLITS)]
            for label in sorted(totals):
                lines.append(f"| {label} | " + " | ".join(str(manifest["labels"][section][s][field].get(label, 0)) for s in SPLITS) + " |")
            lines.append("")
    lines += ["## Files", "", "| file | bytes | sha256 |", "|---|---|---|"]
    return "\n".join(lines) + "\n"


def _kind_table(by_kind: dict[str, dict[str, int]]) -> list[str]:
    """Markdown rows: one per split, a column per split kind."""
    kinds = sorted({k for s in SPLITS for k in by_kind[s]})
    return ["| split | " + " | ".join(kinds) + " |", "|---|" + "---|" * len(kinds),
            *(f"| {s} | " + " | ".join(str(by_kind[s].get(k, 0)) for k in kinds) + " |" for s in SPLITS)]


def version_stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime())


def write(dataset: BuiltDataset, root: str, stamp: str | None = None) -> str:
    """Store a built dataset as a new version under `root`; returns its directory."""
    directory = storage.join(root, dataset.manifest["name"], stamp or version_stamp())
    card = dataset.card + "".join(
        f"| {name} | {len(data)} | `{storage.sha256(data)}` |\n" for name, data in sorted(dataset.files.items())
    )
    storage.write_version(directory, dataset.files, dataset.manifest, card)
    return directory


def validate(directory: str) -> list[str]:
    """Problems with a stored version: hashes, schema, checkers, execution. Empty when it is sound."""
    problems: list[str] = []
    manifest = storage.read_manifest(directory)
    by_key = {b.key: b for b in catalog(manifest["config"]["behaviours"])}
    for name, meta in manifest["files"].items():
        data = storage.read_file(directory, name)
        if storage.sha256(data) != meta["sha256"]:
            problems.append(f"{name}: sha256 differs from the manifest")
    for split in SPLITS:
        for record in storage.read_jsonl(directory, INTENT_FILE.format(split=split)):
            try:
                StructuredIntent.model_validate(record["intent"])
            except Exception as exc:  # noqa: BLE001 - reported per record
                problems.append(f"{split}/{record.get('id')}: intent does not validate: {exc}")
        for record in storage.read_jsonl(directory, GENERATION_FILE.format(split=split)):
            where = f"{split}/{record.get('id')}"
            if record.get("kind") is None and record.get("behaviour") not in by_key:  # a composed record's behaviour is its tree
                problems.append(f"{where}: unknown behaviour {record.get('behaviour')!r}")
                continue
            cases = [Case(c["function"], c["args"]) for c in record["cases"]]
            problems.extend(f"{where}: {p}" for p in prove(record["anrf"], cases, [c["expected"] for c in record["cases"]]))
    for split in SPLITS:
        allowed = {t for t, s in manifest["templates"].items() if s == TEMPLATE_SPLIT[split]}
        for file in (INTENT_FILE, GENERATION_FILE):
            leaked = {r["template"] for r in storage.read_jsonl(directory, file.format(split=split))} - allowed
            if leaked:
                problems.append(f"{file.format(split=split)}: templates of other splits: {sorted(leaked)}")
    return problems


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=True)
