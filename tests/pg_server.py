"""A throwaway PostgreSQL cluster for the metadata-database tests (CI and local runs).

    python tests/pg_server.py start DIR   # initdb + pg_ctl start; prints postgresql+psycopg://... on stdout
    python tests/pg_server.py stop DIR    # pg_ctl stop; DIR can then be deleted

Runs as the current user, or as `postgres` when started as root (PostgreSQL refuses to run as root).
Listens on 127.0.0.1 on a free port with trust auth and fsync off: for tests only, never for data you keep.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

USER = "anrf"  # superuser created by initdb; the URL names it


def bindir() -> Path:
    """Where initdb/pg_ctl live: on PATH, else Debian's /usr/lib/postgresql/<newest>/bin."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not candidates:
        sys.exit("pg_server: pg_ctl not found (install PostgreSQL, e.g. apt-get install -y postgresql)")
    return Path(candidates[-1]).parent


def as_owner(cmd: list[str]) -> list[str]:
    """Run as `postgres` when we are root, since the server will not run as root."""
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *cmd]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in cmd)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def url_for(port: int) -> str:
    return f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres"


def run(cmd: list[str]) -> None:
    result = subprocess.run(as_owner(cmd), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"pg_server: {' '.join(cmd)} failed:\n{result.stdout}{result.stderr}")


def running(bin_: Path, data: Path) -> bool:
    return subprocess.run(as_owner([str(bin_ / "pg_ctl"), "-D", str(data), "status"]), capture_output=True,
                          check=False).returncode == 0


def start(root: Path) -> str:
    """Create (first time) and start the cluster under `root`; idempotent, returns the URL."""
    bin_ = bindir()
    root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, url_file = root / "data", root / "url"
    if running(bin_, data) and url_file.exists():
        return url_file.read_text().strip()
    if not (data / "PG_VERSION").exists():
        run([str(bin_ / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync"])
    port = free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
    run([str(bin_ / "pg_ctl"), "-D", str(data), "-l", str(root / "postgres.log"), "-o", options, "-w", "-t", "60", "start"])
    url = url_for(port)
    # The url file may be root's while the cluster is postgres's: that is fine, only we read it.
    url_file.write_text(url + "\n")
    return url


def stop(root: Path) -> None:
    bin_ = bindir()
    data = root / "data"
    if data.exists() and running(bin_, data):
        run([str(bin_ / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(argv[1]).resolve()
    if argv[0] == "start":
        print(start(root))
    else:
        stop(root)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
