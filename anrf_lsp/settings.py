"""Language-server settings: one pydantic model, fed (in increasing priority) by
defaults, `ANRF_*` environment variables, command-line flags, the client's
`initializationOptions` and `workspace/didChangeConfiguration`.

Editors write camelCase keys (`debounceMs`); snake_case is accepted too. A bad
value is rejected as a whole update with a message that names the key, and the
previous settings stay in force, so a typo in a config file never takes the
server down.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.alias_generators import to_camel

DOCS_URL = "https://github.com/anrf-lsp/anrf-lsp/blob/main/docs/checks.md"
ENV_PREFIX = "ANRF_"


class RemoteServer(BaseModel):
    """An `anrf serve` instance (e.g. on a GPU host) that runs the models instead of this machine."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)

    url: str | None = Field(None, description="base URL of an `anrf serve` instance; models run there instead of locally")
    api_key: str | None = Field(None, description="its API key (sent as X-API-Key)")
    timeout_s: float = Field(60, gt=0, le=600, description="seconds to wait for one request")

    @field_validator("url", mode="before")
    @classmethod
    def _http_url(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().rstrip("/") or None
            if value is not None and not value.startswith(("http://", "https://")):
                raise ValueError("must start with http:// or https://")
        return value


class Settings(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)

    debounce_ms: int = Field(150, ge=0, le=10_000, description="quiet time after an edit burst before re-checking")
    ignore: tuple[str, ...] = Field((), description="check codes never reported, e.g. ['ANRF301']")
    max_file_size_mb: float = Field(16, gt=0, le=1024, description="larger documents get one ANRF000 finding instead of checks")
    diagnostics_mode: Literal["auto", "push", "pull"] = Field(
        "auto", description="auto: pull when the client supports textDocument/diagnostic, else push"
    )
    inlay_hints: bool = Field(True, description="confidence inlay hints")
    log_level: Literal["error", "warning", "info", "debug"] = "info"
    log_file: str | None = Field(None, description="log file path (default: the platformdirs log dir)")
    docs_url: str = Field(DOCS_URL, description="base of the codeDescription links")
    workspace_symbol_max_files: int = Field(2000, ge=0, description="files scanned for workspace symbols")
    intent_model: str = Field("bundled", description="intent model: 'bundled', a directory, or models:/anrf-intent/VERSION (or @ALIAS)")
    generator_model: str = Field("bundled", description="generator model: 'bundled', a directory, or models:/anrf-generator/VERSION (or @ALIAS)")
    generation_timeout_s: float = Field(30, gt=0, le=600, description="seconds one generation may decode before it is stopped")
    hypotheses: int = Field(4, ge=1, le=16, description="most hypotheses a generation tries (greedy first, then sampled)")
    model_device: Literal["auto", "cpu", "cuda"] = Field("auto", description="where models run (auto: a GPU when CTranslate2 sees one)")
    server: RemoteServer = Field(default_factory=RemoteServer, description="remote mode: `server.url` and `server.apiKey`")

    @field_validator("ignore", mode="before")
    @classmethod
    def _codes(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        if isinstance(value, (list, tuple)):
            from checkers import catalog

            codes = tuple(str(v).strip().upper() for v in value)
            unknown = [c for c in codes if c not in catalog()]
            if unknown:
                raise ValueError(f"unknown check code(s): {', '.join(unknown)}")
            return codes
        return value

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_size_mb * 1024 * 1024)

    def updated(self, changes: dict[str, Any] | None) -> Settings:
        """A copy with `changes` applied (camelCase or snake_case keys). Raises SettingsError."""
        if not changes:
            return self
        if not isinstance(changes, dict):
            raise SettingsError(f"settings must be an object, got {type(changes).__name__}")
        merged = self.model_dump()
        for key, value in changes.items():
            key = _snake(key)
            nested = merged.get(key)
            if isinstance(nested, dict) and isinstance(value, dict):  # `server: {url}` keeps the apiKey it had
                value = {**nested, **{_snake(k): v for k, v in value.items()}}
            merged[key] = value
        try:
            return Settings.model_validate(merged)
        except ValidationError as exc:
            raise SettingsError(_explain(exc)) from None


class SettingsError(ValueError):
    pass


def _snake(key: str) -> str:
    out = "".join("_" + c.lower() if c.isupper() else c for c in key)
    return out.lstrip("_")


def _explain(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        where = ".".join(to_camel(str(p)) for p in err["loc"] if isinstance(p, str)) or "settings"
        parts.append(f"{where}: {err['msg']}")
    return "invalid anrf settings: " + "; ".join(parts)


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """`ANRF_DEBOUNCE_MS=300` -> {"debounce_ms": "300"}; only known settings are read."""
    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for name in Settings.model_fields:
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None:
            out[name] = raw
    server = {name: environ[f"{ENV_PREFIX}SERVER_{name.upper()}"] for name in RemoteServer.model_fields if f"{ENV_PREFIX}SERVER_{name.upper()}" in environ}
    if server:  # ANRF_SERVER_URL, ANRF_SERVER_API_KEY, ANRF_SERVER_TIMEOUT_S
        out["server"] = server
    return out


def redacted(settings: Settings) -> dict[str, Any]:
    """The settings as the client may see them (status, logs): no API key."""
    shown = settings.model_dump(by_alias=True)
    if shown["server"].get("apiKey"):
        shown["server"]["apiKey"] = "***"
    return shown


def section_of(payload: Any) -> dict[str, Any] | None:
    """The `anrf` section of a settings payload: `{"anrf": {...}}` or the section itself."""
    if not isinstance(payload, dict):
        return None
    inner = payload.get("anrf")
    if isinstance(inner, dict):
        return inner
    known = set(Settings.model_fields) | {to_camel(n) for n in Settings.model_fields}
    return payload if known.intersection(payload) else None
