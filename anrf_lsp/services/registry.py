"""Versioned ANRF registry: every `put` stores a new, immutable version of a document.

Layout under the location: `anrf/{anrfId}/{version}.anrf`, protobuf binary (anrf_lsp.format.protobuf),
versions numbered 1, 2, ... per id. A version is never overwritten, and a reader never sees half of one:
- Local filesystem: the bytes go to a hidden temp file in the id's folder (name starting with "."),
  are fsynced, and the version's name is claimed with `os.link`, which fails when the name exists;
  a writer that loses the race tries the next number. Safe across processes and hosts sharing a
  POSIX filesystem (NFS included, where `link` is atomic). A writer killed mid-write leaves only a
  hidden temp file, never a version; listing deletes such files once they are an hour old.
- Other fsspec URLs ("memory://", "s3://bucket/prefix", ...): one `pipe_file(mode="create")` per version,
  fsspec's exclusive-write API (fsspec and s3fs >= 2024.12). s3fs sends a conditional PUT
  (If-None-Match: *), so on S3 and stores that honour it the claim is exclusive and the object appears
  whole. Where a backend lacks it, fsspec falls back to exists-then-write: two concurrent writers can
  then race for one number (the later write wins) and, on backends whose writes are not atomic
  (FTP, SFTP), a reader can see a partial object. Keep to one writer per registry there.
Ids are case-sensitive; on a case-insensitive filesystem, ids that differ only in case share versions.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable
from typing import Any

import fsspec
from fsspec.implementations.local import LocalFileSystem

from anrf_lsp.format.protobuf import ProtobufFormatError, from_protobuf, to_protobuf
from anrf_lsp.paths import data_dir

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_VERSION_FILE = re.compile(r"([1-9][0-9]*)\.anrf")
_TEMP_PREFIX, _TEMP_SUFFIX = ".", ".tmp"
_STALE_TEMP_S = 3600


class RegistryError(Exception):
    """A registry operation failed (unreadable or corrupt stored version, storage error)."""


class NotFound(RegistryError):
    """No such id, or no such version of it."""


class InvalidId(RegistryError, ValueError):
    """An id that could escape its folder or is not portable as a key."""


def validate_id(value: str) -> str:
    """`value` when it is safe as one path segment on every backend: 1-128 of [A-Za-z0-9._-],
    starting with a letter or digit, no ".."; InvalidId otherwise."""
    if not _is_valid_id(value):
        raise InvalidId(f"invalid ANRF id {value!r}: use 1-128 of A-Z a-z 0-9 . _ -, starting with a letter or digit, no '..'")
    return value


class AnrfRegistry:
    """ANRF documents by id and version, on the local disk or any fsspec filesystem."""

    def __init__(self, location: str | os.PathLike[str] | None = None):
        target = os.fspath(location) if location is not None else str(data_dir() / "registry")
        self.fs, self._root = fsspec.core.url_to_fs(target)
        self._local = isinstance(self.fs, LocalFileSystem)
        self.location: str = self._root if self._local else target

    def put(self, document: dict[str, Any]) -> int:
        """Store `document` as the next version of its `anrf_id`; returns that version number."""
        anrf_id = validate_id(document.get("anrf_id"))
        data = to_protobuf(document)
        folder = self._folder(anrf_id)
        self.fs.makedirs(folder, exist_ok=True)
        if not self._local:
            return self._claim(anrf_id, lambda path: self.fs.pipe_file(path, data, mode="create"))
        temp = _write_temp(folder, data)
        try:
            version = self._claim(anrf_id, lambda path: os.link(temp, path))
        finally:
            os.unlink(temp)
        _fsync_folder(folder)
        return version

    def get(self, anrf_id: str, version: int | None = None) -> dict[str, Any]:
        """The JSON form of one version (the latest when `version` is None)."""
        version, data = self.get_bytes(anrf_id, version)
        try:
            return from_protobuf(data)
        except ProtobufFormatError as exc:
            raise RegistryError(f"{self._key(anrf_id, version)} in {self.location} is corrupt: {exc}") from exc

    def get_bytes(self, anrf_id: str, version: int | None = None) -> tuple[int, bytes]:
        """(version, stored protobuf bytes), unparsed; the latest version when `version` is None."""
        anrf_id = validate_id(anrf_id)
        if version is None:
            found = self.versions(anrf_id)
            if not found:
                raise NotFound(f"no ANRF {anrf_id!r} in {self.location}")
            version = found[-1]
        if isinstance(version, bool) or not isinstance(version, int):
            raise TypeError(f"version must be an int, not {version!r}")
        key = self._key(anrf_id, version)
        try:
            return version, self.fs.cat_file(self._path(anrf_id, version))
        except FileNotFoundError as exc:
            raise NotFound(f"no {key} in {self.location}") from exc
        except OSError as exc:
            raise RegistryError(f"cannot read {key} in {self.location}: {exc}") from exc

    def versions(self, anrf_id: str) -> list[int]:
        """Stored versions of `anrf_id`, ascending; [] when there are none."""
        folder = self._folder(validate_id(anrf_id))
        if self._local:
            _remove_stale_temps(folder)
        self.fs.invalidate_cache(folder)  # listings cached by object-store backends miss other writers
        try:
            names = self.fs.ls(folder, detail=False)
        except FileNotFoundError:
            return []
        return sorted(int(m.group(1)) for m in map(_VERSION_FILE.fullmatch, map(_basename, names)) if m)

    def ids(self) -> list[str]:
        """Ids with at least one stored version, sorted."""
        base = f"{self._root}/anrf"
        self.fs.invalidate_cache(base)
        found = set()
        for path in self.fs.glob(f"{base}/*/*.anrf"):
            anrf_id, name = path.rstrip("/").split("/")[-2:]
            if _VERSION_FILE.fullmatch(name) and _is_valid_id(anrf_id):
                found.add(anrf_id)
        return sorted(found)

    def _claim(self, anrf_id: str, create: Callable[[str], Any]) -> int:
        """Create the next free version with `create(path)`, which raises FileExistsError when taken."""
        found = self.versions(anrf_id)
        version = found[-1] + 1 if found else 1
        while True:
            try:
                create(self._path(anrf_id, version))
                return version
            except FileExistsError:
                version += 1

    def _folder(self, anrf_id: str) -> str:
        return f"{self._root}/anrf/{anrf_id}"

    def _path(self, anrf_id: str, version: int) -> str:
        return f"{self._folder(anrf_id)}/{version}.anrf"

    @staticmethod
    def _key(anrf_id: str, version: int) -> str:
        return f"anrf/{anrf_id}/{version}.anrf"


def _is_valid_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None and ".." not in value


def _basename(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _write_temp(folder: str, data: bytes) -> str:
    """A hidden file in `folder` holding `data`, on disk before it gets a version's name."""
    fd, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _fsync_folder(folder: str) -> None:
    """Make the new name itself durable (POSIX only: Windows cannot open a folder)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temps(folder: str) -> None:
    """Temp files of writers that died mid-write; an hour is far beyond any live write."""
    cutoff = time.time() - _STALE_TEMP_S
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name.startswith(_TEMP_PREFIX) and entry.name.endswith(_TEMP_SUFFIX):
            try:
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
            except FileNotFoundError:
                pass
