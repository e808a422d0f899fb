"""Shared fixtures: the public v1 example as a fresh dict, and helpers to check documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from checkers import check_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
_SUM = json.loads((EXAMPLES / "valid" / "sum.anrf.json").read_text())


def sum_doc() -> dict:
    """A fresh copy of the public v1 example (sum of an array)."""
    return copy.deepcopy(_SUM)


def check_dict(doc: dict | list, indent: int | None = 2):
    """Check a document given as a Python value, serialized the way editors write it."""
    return check_text(json.dumps(doc, indent=indent))


def codes(findings, severity: str | None = None) -> list[str]:
    return [f.code for f in findings if severity is None or f.severity == severity]


@pytest.fixture
def base():
    return sum_doc()
