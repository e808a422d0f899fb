"""Dataset versions on a local path or any fsspec URL (s3://, gs://, memory://, ...).

Layout: `<root>/<name>/<YYYYMMDD-HHMMSS>/` holding the data files, `manifest.json`
(counts, seed, generator commit, sha256 of every file) and `README.md` (the
dataset card). A version directory is written once and never modified.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import subprocess
from collections.abc import Iterable
from typing import Any

import fsspec

MANIFEST = "manifest.json"
CARD = "README.md"


def default_root() -> str:
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("anrf-lsp", appauthor=False), "datasets")


def join(root: str, *parts: str) -> str:
    """Join path parts for a local path or a URL."""
    if "://" in root:
        return posixpath.join(root.rstrip("/"), *parts)
    return os.path.join(root, *parts)


def jsonl_bytes(records: Iterable[dict[str, Any]]) -> bytes:
    """Canonical JSON Lines: sorted keys, no spaces, UTF-8: byte-identical for equal records."""
    return b"".join(json.dumps(r, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for r in records)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_version(directory: str, files: dict[str, bytes], manifest: dict[str, Any], card: str) -> None:
    """Write a version directory: data files first, the manifest last (its presence marks a complete version)."""
    fs, path = fsspec.core.url_to_fs(directory)
    if fs.exists(join(path, MANIFEST)):
        raise FileExistsError(f"{directory} already holds a dataset version; versions are never overwritten")
    fs.makedirs(path, exist_ok=True)
    manifest = {**manifest, "files": {name: {"sha256": sha256(data), "bytes": len(data)} for name, data in sorted(files.items())}}
    for name, data in sorted(files.items()):
        with fs.open(join(path, name), "wb") as fh:
            fh.write(data)
    with fs.open(join(path, CARD), "wb") as fh:
        fh.write(card.encode())
    with fs.open(join(path, MANIFEST), "wb") as fh:
        fh.write(json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n")


def read_file(directory: str, name: str) -> bytes:
    with fsspec.open(join(directory, name), "rb") as fh:
        return fh.read()


def read_manifest(directory: str) -> dict[str, Any]:
    return json.loads(read_file(directory, MANIFEST))


def read_jsonl(directory: str, name: str, limit: int | None = None) -> list[dict[str, Any]]:
    """The records of a JSON-lines file (the first `limit` only, when given)."""
    records = [json.loads(line) for line in read_file(directory, name).splitlines() if line.strip()]
    return records[:limit] if limit else records


def identity(directory: str) -> dict[str, str]:
    """Name, version stamp and manifest hash of a dataset version: what a model card names its data by."""
    manifest_bytes = read_file(directory, MANIFEST)
    return {"name": json.loads(manifest_bytes)["name"], "version": directory.rstrip("/").rsplit("/", 1)[-1], "manifest_sha256": sha256(manifest_bytes)}


def resolve_version(ref: str, root: str | None = None) -> str:
    """A dataset version directory from a path/URL (`.../<name>/<stamp>` or `.../<name>/latest`),
    or `name` / `name/latest` / `name/<stamp>` under `root`."""
    fs, path = fsspec.core.url_to_fs(ref)
    if fs.exists(join(path, MANIFEST)):
        return ref
    head, _, last = ref.rstrip("/").rpartition("/")
    if last == "latest" and head and fsspec.core.url_to_fs(head)[0].isdir(fsspec.core.url_to_fs(head)[1]):
        return _latest(head)
    name, _, stamp = ref.partition("/")
    base = join(root or default_root(), name)
    if stamp and stamp != "latest":
        candidate = join(base, stamp)
        fs, path = fsspec.core.url_to_fs(candidate)
        if fs.exists(join(path, MANIFEST)):
            return candidate
        raise FileNotFoundError(f"no dataset version {ref!r} under {root or default_root()}")
    return _latest(base)


def _latest(base: str) -> str:
    """The newest complete version (one with a manifest) under a dataset directory."""
    fs, base_path = fsspec.core.url_to_fs(base)
    versions = sorted(posixpath.basename(p.rstrip("/")) for p in fs.ls(base_path, detail=False)) if fs.isdir(base_path) else []
    complete = [v for v in versions if fs.exists(join(join(base_path, v), MANIFEST))]
    if not complete:
        raise FileNotFoundError(f"no dataset versions under {base}")
    return join(base, complete[-1])


def git_commit(repo: str | None = None) -> str:
    """The generator's git commit (with '+dirty' when the tree has changes), or 'unknown'."""
    repo = repo or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo, capture_output=True, text=True, check=False).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")
