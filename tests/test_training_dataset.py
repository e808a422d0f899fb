"""Dataset versions: determinism, template-disjoint splits, proofs, storage and validation."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from anrf_lsp.intent.schema import StructuredIntent
from training import dataset, storage
from training.catalog import CATALOG

SMALL = dataset.BuildConfig(seed=7, intent_examples=400, generation_examples=400, compose_examples=400)


@pytest.fixture(scope="module")
def built() -> dataset.BuiltDataset:
    return dataset.build(SMALL)


def _records(built: dataset.BuiltDataset, pattern: str, split: str) -> list[dict]:
    return [json.loads(line) for line in built.files[pattern.format(split=split)].splitlines()]


def test_same_seed_gives_byte_identical_files(built):
    again = dataset.build(SMALL)
    assert again.files == built.files
    assert again.manifest == built.manifest
    other = dataset.build(dataclasses.replace(SMALL, seed=8))
    assert other.files != built.files


def test_counts_and_labels(built):
    counts = built.manifest["counts"]
    assert sum(counts["intent"].values()) == SMALL.intent_examples + SMALL.compose_examples
    by_kind = counts["generation_by_kind"]
    assert sum(by_kind[s].get("catalog", 0) for s in dataset.SPLITS) == SMALL.generation_examples
    composed = sum(n for s in dataset.SPLITS for k, n in by_kind[s].items() if k != "catalog")
    assert sum(counts["generation"].values()) == SMALL.generation_examples + composed
    assert 0.8 * SMALL.compose_examples * 0.9 <= composed <= SMALL.compose_examples  # one pair per composed text of a known kind
    assert {"phrasing", "combination", "family"} <= set(by_kind["test"]) and "unknown_part" not in by_kind["test"]
    assert set(by_kind["train"]) == {"catalog", "phrasing"}  # no held-out combination or family is trained on
    assert counts["intent"]["train"] > counts["intent"]["test"] > 0
    intents = [StructuredIntent.model_validate(r["intent"]) for s in dataset.SPLITS for r in _records(built, dataset.INTENT_FILE, s)]
    out_of_scope = sum(i.intent_type == "out_of_scope" for i in intents if i.version == 1)
    assert 0.05 <= out_of_scope / sum(i.version == 1 for i in intents) <= 0.15
    assert {i.intent_type for i in intents} >= {"create_function", "create_class", "create_module", "out_of_scope"}


def test_splits_are_disjoint_by_template(built):
    seen: dict[str, set[str]] = {}
    for split in dataset.SPLITS:
        for pattern in (dataset.INTENT_FILE, dataset.GENERATION_FILE):
            seen.setdefault(split, set()).update(r["template"] for r in _records(built, pattern, split))
    assert not seen["train"] & (seen["validation"] | seen["calibration"] | seen["test"])
    assert not seen["test"] & (seen["validation"] | seen["calibration"])
    assert all(seen[s] for s in dataset.SPLITS)


def test_every_generation_example_proves_itself(built):
    from training.behaviour import Case
    from training.proof import prove

    for split in dataset.SPLITS:
        for r in _records(built, dataset.GENERATION_FILE, split):
            cases = [Case(c["function"], c["args"]) for c in r["cases"]]
            assert cases, r["id"]
            assert prove(r["anrf"], cases, [c["expected"] for c in r["cases"]]) == [], r["id"]
            intent = StructuredIntent.model_validate(r["intent"])
            assert r["anrf"]["intent"]["description"] == intent.description


def test_a_wrong_generator_stops_the_build(monkeypatch):
    key = next(k for k, b in CATALOG.items() if b.kind == "function")
    broken = dataclasses.replace(CATALOG[key], reference=lambda case: "definitely not this")
    monkeypatch.setitem(CATALOG, key, broken)
    with pytest.raises(dataset.DataBuildError, match=key):
        dataset.build(dataclasses.replace(SMALL, behaviours=(key,), intent_examples=20, generation_examples=20))


def test_write_validate_and_never_overwrite(built, tmp_path):
    directory = dataset.write(built, str(tmp_path), stamp="20260101-000000")
    assert dataset.validate(directory) == []
    manifest = storage.read_manifest(directory)
    assert manifest["files"][dataset.INTENT_FILE.format(split="test")]["sha256"] == storage.sha256(
        built.files[dataset.INTENT_FILE.format(split="test")]
    )
    card = (tmp_path / "anrf-v1" / "20260101-000000" / "README.md").read_text()
    assert "| test |" in card and "sha256" in card
    with pytest.raises(FileExistsError):
        dataset.write(built, str(tmp_path), stamp="20260101-000000")
    assert storage.resolve_version("anrf-v1", str(tmp_path)) == directory
    assert storage.resolve_version(str(tmp_path / "anrf-v1" / "latest")) == directory
    with pytest.raises(FileNotFoundError):
        storage.resolve_version("anrf-v2", str(tmp_path))

    # Tampering is caught: a changed file no longer matches the manifest.
    target = tmp_path / "anrf-v1" / "20260101-000000" / dataset.GENERATION_FILE.format(split="test")
    lines = target.read_text().splitlines()
    record = json.loads(lines[0])
    record["cases"][0]["expected"] = "tampered"
    target.write_text("\n".join([json.dumps(record), *lines[1:]]) + "\n")
    problems = dataset.validate(directory)
    assert any("sha256" in p for p in problems)
    assert any("tampered" in p for p in problems)


def test_fsspec_url_storage(built):
    directory = dataset.write(built, "memory://datasets-test", stamp="20260101-000001")
    assert directory.startswith("memory://")
    assert dataset.validate(directory) == []


def test_cli_build_and_validate(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "anrf_lsp", "data", "build", "--out", str(tmp_path), "--seed", "3",
         "--intent-examples", "60", "--generation-examples", "60", "--compose-examples", "200", "--format", "json"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert build.returncode == 0, build.stderr
    directory = json.loads(build.stdout)["directory"]
    check = subprocess.run([sys.executable, "-m", "anrf_lsp", "data", "validate", directory], capture_output=True, text=True, timeout=300, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    bad = subprocess.run([sys.executable, "-m", "anrf_lsp", "data", "build", "--behaviours", "no_such_thing", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert bad.returncode == 2 and "no_such_thing" in bad.stderr


def test_composed_examples_measure_generalization_by_kind(built):
    """Train holds only trained combinations (and unknown-part phrases); every evaluation split holds all
    four kinds; held-out combinations use only parts the train split has; label spaces are in the manifest."""
    from anrf_lsp.intent.behaviour import parse
    from training.compose.parts import HELD_OUT_PARTS

    records = {s: [json.loads(line) for line in built.files[dataset.INTENT_FILE.format(split=s)].splitlines()] for s in dataset.SPLITS}
    composed = {s: [r for r in rs if "kind" in r] for s, rs in records.items()}
    assert {r["kind"] for r in composed["train"]} == {"phrasing", "unknown_part"}
    trained_parts = {p for r in composed["train"] if r["kind"] == "phrasing" for p in parse(r["behaviour"]).parts()}
    trained_shapes = {r["behaviour"] for r in composed["train"]}
    assert not trained_parts & HELD_OUT_PARTS
    for split in ("validation", "calibration", "test"):
        kinds = {r["kind"] for r in composed[split]}
        assert kinds == {"phrasing", "combination", "family", "unknown_part"}, split
        for r in composed[split]:
            tree_parts = set(parse(r["behaviour"]).parts())
            if r["kind"] == "combination":
                assert tree_parts <= trained_parts and r["behaviour"] not in trained_shapes
            if r["kind"] == "family":
                assert tree_parts & HELD_OUT_PARTS
            if r["kind"] == "unknown_part":
                assert "unknown" in tree_parts
    spaces = built.manifest["label_spaces"]
    assert set(spaces["slots"]) == {"source", "select", "connective", "pred1", "value1", "pred2", "value2", "map", "reduce"}
    assert "VALUE" in spaces["entity_labels"] and "create_function" in spaces["intent_types"]
    assert built.manifest["counts"]["intent_by_kind"]["test"]["family"] > 0
    assert "| test |" in built.card and "unknown_part" in built.card
