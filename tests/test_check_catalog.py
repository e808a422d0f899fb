"""The check catalog: one entry per code, defined beside its rule, complete, and the source of
docs/checks.md and of the service's check groups."""

from __future__ import annotations

import json
import re
from pathlib import Path

from anrf_lsp.services.operations import CHECKS, check_of
from checkers import catalog, check_file

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"\bANRF\d{3}\b")


def test_every_code_a_rule_reports_is_in_the_catalog():
    reported = set()
    for folder in ("anrf_lsp/format", "anrf_lsp/execution", "checkers"):
        for path in (ROOT / folder).glob("*.py"):
            reported |= set(CODE.findall(path.read_text(encoding="utf-8")))
    assert reported == set(catalog())


def test_each_entry_documents_a_failing_and_a_passing_example():
    for check in catalog().values():
        assert check.title and check.severity in ("error", "warning", "info")
        assert "Failing" in check.doc and "Passing" in check.doc, check.code


def test_groups_follow_the_codes_and_are_the_services_checks():
    groups = {"0": "structure", "1": "structure", "2": "types", "3": "cross_layer", "4": "intent"}
    for code, check in catalog().items():
        assert check.group == groups[code[4]] == check_of(code)
    assert set(CHECKS) == {c.group for c in catalog().values()}


def test_findings_on_the_fault_examples_use_catalog_severities_or_documented_milder_ones():
    known = catalog()
    seen = set()
    for path in sorted((ROOT / "examples").rglob("*.anrf.json")):
        for finding in check_file(str(path)):
            assert finding.code in known, (path, finding.code)
            seen.add(finding.code)
    assert len(seen) >= 10, json.dumps(sorted(seen))
