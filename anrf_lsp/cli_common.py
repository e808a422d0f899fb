"""What every `anrf` command module shares without importing each other (the CLI, the language
server's `anrf-lsp` script and the service commands): the usage error and the language server flags."""

from __future__ import annotations

import argparse


class UsageError(Exception):
    """Bad arguments: `anrf` prints the message and exits 2."""


def add_lsp_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `anrf lsp` and `anrf-lsp` (here, so the CLI does not import pygls to list them)."""
    parser.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead of stdio")
    parser.add_argument("--log-file", help="log file (default: the platformdirs log dir)")
    parser.add_argument("--log-level", choices=("error", "warning", "info", "debug"))
    parser.add_argument("--debounce-ms", type=int, help="quiet time after edits before re-checking (default 150)")
