"""Where a model comes from: the bundled default, a local directory, or the MLflow registry."""

from __future__ import annotations

import shutil
from pathlib import Path

from anrf_lsp.paths import cache_dir, mlflow_tracking_uri


class ModelNotFound(RuntimeError):
    """A model that cannot be found, said in words a user can act on."""


def resolve(ref: str | Path | None, bundled: Path, marker: str, what: str) -> Path:
    """`None` or "bundled" -> `bundled`; `models:/NAME/VERSION` or `models:/NAME@ALIAS` -> downloaded
    from the MLflow registry into the cache (needs MLflow: the `train` extra); else a local directory.
    The directory must hold `marker`."""
    if ref is None or str(ref) in ("", "bundled"):
        directory = bundled
    elif str(ref).startswith("models:/"):
        directory = download_model(str(ref))
    else:
        directory = Path(ref).expanduser()
    if not (directory / marker).is_file():
        raise ModelNotFound(f"{directory} is not {what} directory (no {marker}); train one with `anrf train` or use the bundled default")
    return directory


def parse_model_uri(uri: str) -> tuple[str, str | None, str | None]:
    """`models:/name/3` -> (name, "3", None); `models:/name@prod` -> (name, None, "prod")."""
    rest = uri.removeprefix("models:/").strip("/")
    if "@" in rest:
        name, alias = rest.split("@", 1)
        return name, None, alias
    name, _, version = rest.partition("/")
    if not name or not version:
        raise ValueError(f"not a model URI: {uri!r} (use models:/NAME/VERSION or models:/NAME@ALIAS)")
    return name, version, None


def download_model(uri: str) -> Path:
    """A registered model's files in the local cache (downloaded once per version)."""
    name, version, alias = parse_model_uri(uri)
    try:
        import mlflow
    except ImportError as exc:
        raise ModelNotFound(f"{uri}: loading from the MLflow registry needs MLflow (pip install 'anrf-lsp[train]')") from exc
    client = mlflow.MlflowClient(tracking_uri=mlflow_tracking_uri())
    try:
        found = client.get_model_version_by_alias(name, alias) if alias else client.get_model_version(name, version)
    except mlflow.exceptions.MlflowException as exc:
        raise FileNotFoundError(f"{uri}: no such registered model version in {mlflow_tracking_uri()}") from exc
    target = cache_dir() / "models" / name / str(found.version)
    if not target.is_dir():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        mlflow.set_tracking_uri(mlflow_tracking_uri())
        mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/{found.version}", dst_path=str(partial))
        partial.rename(target)  # atomic: a cache entry is complete or absent
    return target
