"""Settings of `anrf serve`: one pydantic model, fed (in increasing priority) by defaults,
`ANRF_SERVE_*` environment variables and command-line flags.

Kept free of FastAPI imports so the CLI can validate flags (and refuse unsafe ones) before
loading anything heavy."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ENV_PREFIX = "ANRF_SERVE_"
API_KEYS_ENV = "ANRF_API_KEYS"
# Test hook: "module:callable" building the generator instead of models.generator.GeneratorModel
# (called with the model ref and the device). Lets tests drive queueing, timeouts and cancellation
# deterministically; never needed in production.
GENERATOR_FACTORY_ENV = "ANRF_SERVE_GENERATOR_FACTORY"
DISABLED = "none"  # a model ref that turns the model off (its endpoint answers 503)


class ServiceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    registry: str | None = Field(None, description="registry location: a directory or fsspec URL (default: the data dir)")
    db: str | None = Field(None, description="SQLAlchemy URL of the metadata DB (default: SQLite in the data dir)")
    intent_model: str | None = Field(None, description="directory, models:/NAME/VERSION|@ALIAS, empty for the bundled model, 'none' to disable")
    generator_model: str | None = Field(None, description="as intent_model, for the generator")
    device: Literal["auto", "cpu", "cuda"] = "auto"
    api_keys: tuple[str, ...] = Field((), repr=False)
    no_auth: bool = False
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    rate_limit: float = Field(600.0, ge=0, description="requests per minute per API key (0: off); bursts up to the same number")
    max_concurrent_generations: int | None = Field(None, ge=1, description="default: 1 on CPU, 4 on a GPU")
    queue_size: int = Field(8, ge=0, description="generations waiting for a slot before 503")
    generation_timeout: float = Field(30.0, gt=0, description="seconds of decoding per generation before 504")
    execute_timeout: float = Field(5.0, gt=0, description="seconds an /execute call may run")
    execute_max_steps: int = Field(1_000_000, ge=1)
    execute_workers: int = Field(2, ge=1, le=64, description="worker processes running /execute programs")
    execute_memory: float = Field(256.0, ge=16, description="MiB a program may allocate in its worker before a 422")
    execute_queue: int = Field(16, ge=0, description="/execute runs waiting for a worker before 503")
    execute_per_key: int = Field(4, ge=1, description="/execute runs one API key may have going at once before 429")
    execute_max_output_bytes: int = Field(4 * 1024 * 1024, ge=1024, description="largest /execute result (JSON) before a 422")
    max_connections: int = Field(512, ge=1, description="open connections beyond which new ones get 503 and are closed")
    header_timeout: float = Field(10.0, gt=0, description="seconds a connection may take to send a request's headers")
    body_timeout: float = Field(30.0, gt=0, description="seconds a request may take to send its body")
    hypotheses: int = Field(4, ge=1, le=16)
    log_file: str | None = None
    log_level: Literal["error", "warning", "info", "debug"] = "info"

    def model_disabled(self, which: Literal["intent", "generator"]) -> bool:
        ref = self.intent_model if which == "intent" else self.generator_model
        return (ref or "").strip().lower() == DISABLED


class UnsafeSettings(ValueError):
    """Settings the server refuses to start with (exit 2)."""


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_safe(settings: ServiceSettings) -> None:
    """Refuse to serve without access control anywhere but loopback."""
    if settings.no_auth:
        if not is_loopback(settings.host):
            raise UnsafeSettings(f"--no-auth is only allowed on a loopback address (127.0.0.0/8, ::1, localhost), not {settings.host!r}; "
                                 f"configure API keys ({API_KEYS_ENV} or --api-keys-file) to serve on other addresses")
        return
    if not settings.api_keys:
        raise UnsafeSettings(f"no API keys configured: set {API_KEYS_ENV} (comma-separated) or pass --api-keys-file FILE "
                             "(one key per line), or --no-auth on a loopback address for local use")


def read_keys_file(path: str | os.PathLike[str]) -> list[str]:
    """One key per line; blank lines and `#` comments ignored."""
    keys = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            keys.append(line)
    return keys


def keys_from_env(environ: dict[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    return [k.strip() for k in environ.get(API_KEYS_ENV, "").split(",") if k.strip()]


def from_env(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """`ANRF_SERVE_<FIELD>` values (raw strings; pydantic converts them)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name in ServiceSettings.model_fields:
        if name == "api_keys":
            continue
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None and raw != "":
            values[name] = raw
    return values


def build_settings(overrides: dict[str, Any], api_keys_file: str | None = None, environ: dict[str, str] | None = None) -> ServiceSettings:
    """Defaults < env < `overrides` (flags given on the command line; None means not given)."""
    keys = keys_from_env(environ)
    if api_keys_file:
        keys += read_keys_file(api_keys_file)
    values = from_env(environ) | {k: v for k, v in overrides.items() if v is not None}
    return ServiceSettings.model_validate(values | {"api_keys": tuple(dict.fromkeys(keys))})
