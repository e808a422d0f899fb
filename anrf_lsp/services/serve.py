"""`anrf serve`: the HTTP API under uvicorn. Flags are checked (and unsafe ones refused, exit 2)
before FastAPI or any model is imported, so a mistake costs no start-up time."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pydantic import ValidationError


def add_serve_command(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the HTTP API (FastAPI + uvicorn): the language server's remote backend",
                       description="Serve intent analysis, generation, verification, views, execution and the ANRF registry over HTTP. "
                                   "API keys come from ANRF_API_KEYS (comma-separated) and/or --api-keys-file; every ANRF_SERVE_<FLAG> "
                                   "environment variable sets the flag's default. See docs/service.md.")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8080)")
    p.add_argument("--registry", metavar="URL", help="registry directory or fsspec URL (default: the data dir)")
    p.add_argument("--db", metavar="URL", help="SQLAlchemy URL of the metadata DB (default: SQLite in the data dir)")
    p.add_argument("--intent-model", metavar="REF", help="directory, models:/anrf-intent/VERSION|@ALIAS, empty for the bundled model, none to disable")
    p.add_argument("--generator-model", metavar="REF", help="directory, models:/anrf-generator/VERSION|@ALIAS, empty for bundled, none to disable")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), help="where the models run (default auto)")
    p.add_argument("--api-keys-file", metavar="FILE", help="API keys, one per line (# comments)")
    p.add_argument("--no-auth", action="store_true", default=None, help="no API keys (allowed on loopback addresses only)")
    p.add_argument("--max-body-bytes", type=int, metavar="N", help="largest request body (default 1 MiB; larger: 413)")
    p.add_argument("--rate-limit", type=float, metavar="PER_MINUTE", help="requests per minute per API key, bursts alike (default 600; 0: off)")
    p.add_argument("--max-concurrent-generations", type=int, metavar="N", help="generations decoding at once (default 1 on CPU, 4 on GPU)")
    p.add_argument("--queue-size", type=int, metavar="N", help="generations waiting for a slot (default 8; beyond: 503)")
    p.add_argument("--generation-timeout", type=float, metavar="S", help="seconds per generation (default 30; beyond: 504)")
    p.add_argument("--execute-timeout", type=float, metavar="S", help="seconds per /execute run (default 5)")
    p.add_argument("--execute-workers", type=int, metavar="N", help="worker processes for /execute (default 2)")
    p.add_argument("--execute-memory", type=float, metavar="MIB", help="memory a program may allocate (default 256 MiB; beyond: 422)")
    p.add_argument("--max-connections", type=int, metavar="N", help="open connections (default 512; beyond: 503 and closed)")
    p.add_argument("--log-file", metavar="F", help="also write the JSON log lines to this file")
    p.add_argument("--log-level", choices=("error", "warning", "info", "debug"))
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from .settings import UnsafeSettings, build_settings, check_safe

    names = ("host", "port", "registry", "db", "intent_model", "generator_model", "device", "no_auth", "max_body_bytes", "rate_limit",
             "max_concurrent_generations", "queue_size", "generation_timeout", "execute_timeout", "execute_workers", "execute_memory",
             "max_connections", "log_file", "log_level")
    try:
        settings = build_settings({name: getattr(args, name) for name in names}, args.api_keys_file)
        check_safe(settings)
    except (ValidationError, UnsafeSettings, OSError) as exc:
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()) if isinstance(exc, ValidationError) else str(exc)
        print(f"anrf serve: error: {message}", file=sys.stderr)
        return 2
    try:
        import uvicorn

        from .app import create_app
    except ImportError as exc:
        print(f"anrf serve: {exc}; install the service extra: pip install 'anrf-lsp[service]'", file=sys.stderr)
        return 1
    from .connections import guarded_protocol
    from .logs import configure

    configure(settings.log_level, settings.log_file)
    app = create_app(settings)
    protocol = guarded_protocol(settings.max_connections, settings.header_timeout, settings.body_timeout)
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, access_log=False, server_header=False,
                timeout_graceful_shutdown=10, lifespan="on", http=protocol, timeout_keep_alive=5)
    return 0
