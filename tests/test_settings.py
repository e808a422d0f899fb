"""The settings model: sources, key styles, refusals, and that the docs list every key."""

from __future__ import annotations

import pytest
from pydantic.alias_generators import to_camel

from anrf_lsp.settings import Settings, SettingsError, from_environment, section_of
from tests.conftest import ROOT


def test_defaults_and_camel_or_snake_keys():
    s = Settings()
    assert s.debounce_ms == 150 and s.diagnostics_mode == "auto" and s.ignore == ()
    assert s.updated({"debounceMs": 40}).debounce_ms == 40
    assert s.updated({"debounce_ms": 40}).debounce_ms == 40
    assert s.updated({"ignore": ["anrf301"]}).ignore == ("ANRF301",)


def test_bad_values_are_refused_with_the_key_named():
    with pytest.raises(SettingsError, match="debounceMs"):
        Settings().updated({"debounceMs": -1})
    with pytest.raises(SettingsError, match="ANRF999"):
        Settings().updated({"ignore": ["ANRF999"]})
    with pytest.raises(SettingsError, match="diagnosticsMode"):
        Settings().updated({"diagnosticsMode": "sometimes"})
    with pytest.raises(SettingsError):
        Settings().updated(["not", "an", "object"])  # type: ignore[arg-type]


def test_environment_variables():
    env = {"ANRF_DEBOUNCE_MS": "300", "ANRF_IGNORE": "ANRF301,ANRF401", "UNRELATED": "x"}
    s = Settings().updated(from_environment(env))
    assert s.debounce_ms == 300 and s.ignore == ("ANRF301", "ANRF401")


def test_section_of_payloads():
    assert section_of({"anrf": {"debounceMs": 1}}) == {"debounceMs": 1}
    assert section_of({"debounceMs": 1}) == {"debounceMs": 1}
    assert section_of({"python": {"analysis": {}}}) is None
    assert section_of(None) is None


def test_docs_list_every_setting():
    docs = (ROOT / "docs" / "language-server.md").read_text()
    for name in Settings.model_fields:
        assert f"`{to_camel(name)}`" in docs, name
