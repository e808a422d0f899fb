"""MLflow tracking and model registry for our models.

Default store: a local sqlite-backed MLflow under the platformdirs data dir (artifacts beside it);
`MLFLOW_TRACKING_URI` points elsewhere. Models are registered by name (`anrf-intent`) and loaded
back by `models:/anrf-intent/<version>` or `models:/anrf-intent@<alias>` into a local cache."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from anrf_lsp.paths import APP, data_dir
from anrf_lsp.paths import mlflow_tracking_uri as tracking_uri


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
