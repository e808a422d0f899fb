"""anrf-lsp: ANRF v1 format library, checkers, interpreter, CLI and language server."""

__version__ = "0.1.0"
