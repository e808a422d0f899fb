"""MLflow tracking and model registry for our models.

Default store: a local sqlite-backed MLflow under the platformdirs data dir (artifacts beside it);
`MLFLOW_TRACKING_URI` points elsewhere. Models are registered by name (`anrf-intent`) and loaded
back by `models:/anrf-intent/<version>` or `models:/anrf-intent@<alias>` into a local cache."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs

APP = "anrf-lsp"


def data_dir() -> Path:
    return Path(os.environ.get("ANRF_DATA_DIR") or platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    return Path(os.environ.get("ANRF_CACHE_DIR") or platformdirs.user_cache_dir(APP))


def tracking_uri() -> str:
    """`MLFLOW_TRACKING_URI` when set, else sqlite under the data dir."""
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    root = data_dir() / "mlflow"
    root.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{root / 'mlflow.db'}"


def _default_artifact_root() -> str | None:
    """Artifacts of the default store live beside its database (MLflow would use ./mlruns)."""
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return None
    return (data_dir() / "mlflow" / "artifacts").as_uri()


def _mlflow() -> Any:
    try:
        import mlflow
    except ImportError as exc:
        raise RuntimeError("MLflow is not installed: install the train extra (pip install 'anrf-lsp[train]')") from exc
    mlflow.set_tracking_uri(tracking_uri())
    return mlflow


@contextmanager
def run(experiment: str, run_name: str | None = None, tags: dict[str, str] | None = None) -> Iterator[Any]:
    """An active MLflow run in `experiment` (created with our artifact root when new)."""
    mlflow = _mlflow()
    client = mlflow.MlflowClient()
    found = client.get_experiment_by_name(experiment)
    experiment_id = found.experiment_id if found else client.create_experiment(experiment, artifact_location=_default_artifact_root())
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name, tags=tags) as active:
        yield active


def numeric(metrics: dict[str, Any]) -> dict[str, float]:
    """The plain numbers of a metrics dict (reports also hold tables, texts and lists)."""
    return {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def log_metrics(metrics: dict[str, Any], prefix: str = "", step: int | None = None) -> None:
    _mlflow().log_metrics({f"{prefix}{k}": v for k, v in numeric(metrics).items()}, step=step)


def log_validation(entry: dict[str, Any]) -> None:
    """A Trainer evaluation (`eval_*` figures at a step) as `validation_*` metrics: pass as `on_log`."""
    log_metrics({k.removeprefix("eval_"): v for k, v in entry.items() if k.startswith("eval_")}, prefix="validation_", step=int(entry["step"]))


def log_evaluation(experiment: str, run_name: str, params: dict[str, Any], metrics: dict[str, Any], directory: Path) -> None:
    """One run in `experiment` holding an evaluation: its parameters, figures and report directory."""
    with run(experiment, run_name=run_name):
        mlflow = _mlflow()
        mlflow.log_params(params)
        log_metrics(metrics)
        mlflow.log_artifacts(str(directory))


def register(model_dir: Path, name: str, tags: dict[str, str], files: tuple[str, ...] | None = None) -> str:
    """Log the runtime files of `model_dir` as the active run's `model` artifacts and register a
    new version of `name` with `tags`. Returns the version."""
    mlflow = _mlflow()
    active = mlflow.active_run()
    if active is None:
        raise RuntimeError("register() needs an active MLflow run")
    for path in sorted(model_dir.iterdir()):
        if files is not None and path.name not in files:
            continue
        if path.is_dir():
            mlflow.log_artifacts(str(path), f"model/{path.name}")
        else:
            mlflow.log_artifact(str(path), "model")
    client = mlflow.MlflowClient()
    try:
        client.create_registered_model(name, tags={"project": APP})
    except mlflow.exceptions.MlflowException as exc:
        if "RESOURCE_ALREADY_EXISTS" not in str(exc.error_code):
            raise
    version = client.create_model_version(name, source=f"{active.info.artifact_uri}/model", run_id=active.info.run_id, tags=tags)
    return str(version.version)


def set_alias(name: str, alias: str, version: str) -> None:
    _mlflow().MlflowClient().set_registered_model_alias(name, alias, version)


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
    mlflow = _mlflow()
    client = mlflow.MlflowClient()
    try:
        found = client.get_model_version_by_alias(name, alias) if alias else client.get_model_version(name, version)
    except mlflow.exceptions.MlflowException as exc:
        raise FileNotFoundError(f"{uri}: no such registered model version in {tracking_uri()}") from exc
    target = cache_dir() / "models" / name / str(found.version)
    if not target.is_dir():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/{found.version}", dst_path=str(partial))
        partial.rename(target)  # atomic: a cache entry is complete or absent
    return target
