"""Where anrf-lsp keeps its files (platformdirs, overridable by environment): the data dir (registry,
metadata DB, feedback, MLflow store, datasets) and the cache dir (models downloaded from MLflow).
One place, so the runtime and the training pipeline agree on every location."""

from __future__ import annotations

import os
from pathlib import Path

APP = "anrf-lsp"


def data_dir() -> Path:
    import platformdirs

    return Path(os.environ.get("ANRF_DATA_DIR") or platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    import platformdirs

    return Path(os.environ.get("ANRF_CACHE_DIR") or platformdirs.user_cache_dir(APP))


def mlflow_tracking_uri() -> str:
    """`MLFLOW_TRACKING_URI` when set, else sqlite under the data dir."""
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    root = data_dir() / "mlflow"
    root.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{root / 'mlflow.db'}"
