"""CLI commands backed by the services' metadata database (needs the `service` extra: SQLAlchemy, Alembic)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any


def add_data_export_feedback(data_sub: Any) -> None:
    """`anrf data export-feedback`: registered on the `data` subparsers of `anrf_lsp.cli`."""
    d = data_sub.add_parser("export-feedback", help="write user feedback from the metadata database as JSONL training data")
    d.add_argument("--out", required=True, metavar="FILE.jsonl", help="output file ('-' for stdout)")
    d.add_argument("--db", metavar="URL", help="database URL (default: sqlite metadata.db under the data dir)")
    d.set_defaults(func=cmd_data_export_feedback)


def export_rows(db: Any) -> Any:
    """Feedback rows as training records: each also carries `anrf`, the corrected ANRF or None."""
    for row in db.feedback_export():
        yield {**row, "anrf": row["correctedAnrf"]}


def write_jsonl(rows: Any, out: str) -> int:
    """Write rows to `out` (atomically: a temp file renamed at the end) or to stdout for '-'; returns the count."""
    if out == "-":
        count = 0
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with tmp.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    os.replace(tmp, path)
    return count


def cmd_data_export_feedback(args: argparse.Namespace) -> int:
    from .cli_common import UsageError

    try:
        from .services.db import Database
    except ImportError as exc:
        raise UsageError(f"needs the service extra (pip install 'anrf-lsp[service]'): {exc}") from exc
    db = Database(args.db)
    try:
        count = write_jsonl(export_rows(db), args.out)
    finally:
        db.close()
    where = "stdout" if args.out == "-" else args.out
    print(f"exported {count} feedback row(s) to {where}", file=sys.stderr if args.out == "-" else sys.stdout)
    return 0
