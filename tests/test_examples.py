"""The documents under examples/: valid ones check clean and run as examples/README.md says;
each invalid one has a finding of the code its name implies."""

from __future__ import annotations

import json
import re

import pytest

from anrf_lsp.execution.interpreter import Limits, StepLimitExceeded, run_function
from anrf_lsp.format.document import load_file
from checkers import check_file

from .conftest import EXAMPLES, ROOT

VALID = sorted((EXAMPLES / "valid").glob("*.anrf.json"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.anrf.json"))

# `anrf run FILE --args '[...]' [--function NAME]` | `output`, as rows of the README table
_RUN_ROW = re.compile(r"`anrf run (?P<file>\S+) --args '(?P<args>[^']*)'(?: --function (?P<function>\S+))?`\s*\|\s*`(?P<output>[^`]*)`")


def readme_runs() -> list[tuple[str, list, str | None, str]]:
    text = (EXAMPLES / "README.md").read_text()
    return [(m["file"], json.loads(m["args"]), m["function"], m["output"]) for m in _RUN_ROW.finditer(text)]


RUNS = readme_runs()

# Invalid example name -> the code it must produce.
EXPECTED_CODE = {
    "syntax_error": "ANRF100",
    "unsupported_version": "ANRF102",
    "duplicate_ids": "ANRF103",
    "dangling_reference": "ANRF104",
    "control_cycle": "ANRF105",
    "type_mismatch": "ANRF202",
    "unknown_operation": "ANRF205",
}


def _name(path) -> str:
    return path.name.removesuffix(".anrf.json")


def test_readme_documents_a_run_for_every_valid_example():
    assert len(RUNS) >= 2 * len(VALID) - 1
    documented = {ROOT / file for file, *_ in RUNS}
    assert documented == set(VALID)


@pytest.mark.parametrize(("file", "args", "function", "output"), RUNS, ids=[f"{r[0].split('/')[-1]}-{i}" for i, r in enumerate(RUNS)])
def test_valid_example_runs_as_documented(file, args, function, output):
    doc = load_file(str(ROOT / file))
    assert doc.model is not None and doc.syntax_ok
    result = run_function(doc.model, args, function)
    assert json.dumps(result, ensure_ascii=False) == output  # exactly what `anrf run` prints


@pytest.mark.parametrize("path", VALID, ids=_name)
def test_valid_example_has_no_errors(path):
    errors = [f"{f.code} {f.pointer}: {f.message}" for f in check_file(str(path)) if f.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("path", [p for p in VALID if p.name != "sum.anrf.json"], ids=_name)
def test_valid_example_is_fully_covered(path):
    """Our own examples keep all three layers consistent: not even warnings."""
    warnings = [f"{f.code} {f.pointer}: {f.message}" for f in check_file(str(path)) if f.severity == "warning"]
    assert warnings == []


def test_every_invalid_example_is_expected():
    assert {_name(p) for p in INVALID} == set(EXPECTED_CODE) | {"infinite_loop"}


@pytest.mark.parametrize("path", [p for p in INVALID if _name(p) in EXPECTED_CODE], ids=_name)
def test_invalid_example_has_its_error(path):
    findings = check_file(str(path))
    code = EXPECTED_CODE[_name(path)]
    assert any(f.code == code and f.severity == "error" for f in findings), [f.code for f in findings]


def test_infinite_loop_checks_clean_but_hits_the_step_limit():
    path = EXAMPLES / "invalid" / "infinite_loop.anrf.json"
    assert [f.code for f in check_file(str(path)) if f.severity == "error"] == []
    doc = load_file(str(path))
    assert run_function(doc.model, [0]) == 0
    with pytest.raises(StepLimitExceeded):
        run_function(doc.model, [3], limits=Limits(max_steps=10_000))
