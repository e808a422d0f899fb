"""Where a model comes from: the bundled default, a local directory, or the MLflow registry."""

from __future__ import annotations

from pathlib import Path


class ModelNotFound(RuntimeError):
    """A model that cannot be found, said in words a user can act on."""


def resolve(ref: str | Path | None, bundled: Path, marker: str, what: str) -> Path:
    """`None` or "bundled" -> `bundled`; `models:/NAME/VERSION` or `models:/NAME@ALIAS` -> downloaded
    from the MLflow registry into the cache (the `train` extra); else a local directory. The
    directory must hold `marker`."""
    if ref is None or str(ref) in ("", "bundled"):
        directory = bundled
    elif str(ref).startswith("models:/"):
        from training.registry import download_model

        directory = download_model(str(ref))
    else:
        directory = Path(ref).expanduser()
    if not (directory / marker).is_file():
        raise ModelNotFound(f"{directory} is not {what} directory (no {marker}); train one with `anrf train` or use the bundled default")
    return directory
