"""Versioned ANRF registry: every `put` stores a new, immutable version of a document.

Layout under the location: `anrf/{anrfId}/{version}.anrf`, protobuf binary (anrf_lsp.format.protobuf),
versions numbered 1, 2, ... per id. A version is never overwritten, and a reader never sees half of one:
- Local filesystem: the bytes go to a hidden temp file in the id's folder (name starting with "."),
  are fsynced, and the version's name is claimed with `os.link`, which fails when the name exists;
  a writer that loses the race tries the next number. Safe across processes and hosts sharing a
  POSIX filesystem (NFS included, where `link` is atomic). A writer killed mid-write leaves only a
  hidden temp file, never a version. A temp file's name says which host and process writes it, so
  listing a folder (and `sweep_temps`, at the service's start) deletes those whose writer on this
  host is gone at once, and any other once it is an hour old.
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
import socket
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
        return sorted({anrf_id for anrf_id, _version in self.stored_versions()})

    def stored_versions(self) -> list[tuple[str, int]]:
        """Every (id, version) stored, sorted: one listing of the whole registry."""
        base = f"{self._root}/anrf"
        self.fs.invalidate_cache(base)
        found = []
        for path in self.fs.glob(f"{base}/*/*.anrf"):
            anrf_id, name = path.rstrip("/").split("/")[-2:]
            if (match := _VERSION_FILE.fullmatch(name)) and _is_valid_id(anrf_id):
                found.append((anrf_id, int(match.group(1))))
        return sorted(found)

    def sweep_temps(self) -> int:
        """Delete temp files left by writers that died (see the module notes); the number deleted."""
        if not self._local:
            return 0
        try:
            folders = [entry.path for entry in os.scandir(f"{self._root}/anrf") if entry.is_dir(follow_symlinks=False)]
        except FileNotFoundError:
            return 0
        return sum(_remove_stale_temps(folder) for folder in folders)

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


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:64] or "host"


def _write_temp(folder: str, data: bytes) -> str:
    """A hidden file in `folder` holding `data`, on disk before it gets a version's name; named
    `.HOST.PID.RANDOM.tmp` so a sweeper can tell whether its writer still lives."""
    fd, temp = tempfile.mkstemp(prefix=f"{_TEMP_PREFIX}{_host()}.{os.getpid()}.", suffix=_TEMP_SUFFIX, dir=folder)
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


def _remove_stale_temps(folder: str) -> int:
    """Delete temp files of writers that died mid-write: at once when the writer was a process on this
    host that is gone, else (other hosts, older names) once an hour old, far beyond any live write."""
    cutoff = time.time() - _STALE_TEMP_S
    host = _host()
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return 0
    for entry in entries:
        if not (entry.name.startswith(_TEMP_PREFIX) and entry.name.endswith(_TEMP_SUFFIX)):
            continue
        try:
            if _writer_gone(entry.name, host) or entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:
            pass
    return removed


def _writer_gone(name: str, host: str) -> bool:
    """Whether the temp file `name` was written by a process of this host that no longer runs."""
    parts = name[len(_TEMP_PREFIX):].split(".")
    if os.name != "posix" or len(parts) < 3 or parts[0] != host or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError, OverflowError):
        return False  # alive under another user, or not a pid here
    return False
