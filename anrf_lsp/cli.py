"""`anrf`: one command-line entry point with subcommands.

Exit status: 0 success, 1 findings with errors / runtime failure, 2 usage error.
Handlers stay thin: parse arguments, call plain functions, print.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from typing import Any

from . import __version__
from .cli_common import UsageError, add_lsp_arguments

ANRF_SUFFIX = ".anrf.json"




def iter_anrf_files(paths: list[str]) -> Iterator[str]:
    """Files named on the command line, and every *.anrf.json below named directories (sorted)."""
    for path in paths:
        if os.path.isdir(path):
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(os.path.join(root, f) for f in files if f.endswith(ANRF_SUFFIX))
            yield from sorted(found)
        elif os.path.exists(path):
            yield path
        else:
            raise UsageError(f"no such file or directory: {path}")


def _format_finding_text(path: str, finding: Any) -> str:
    start = finding.range.start
    return f"{path}:{start.line + 1}:{start.character + 1}: {finding.code} {finding.severity}: {finding.message}"


def cmd_check(args: argparse.Namespace) -> int:
    from checkers import check_file

    ignored = {c.strip().upper() for c in (args.ignore or "").split(",") if c.strip()}
    files = list(iter_anrf_files(args.paths))
    if not files:
        print(f"warning: no *{ANRF_SUFFIX} files found", file=sys.stderr)
    results: list[dict[str, Any]] = []
    counts = {"error": 0, "warning": 0, "info": 0}
    for path in files:
        for finding in check_file(path, max_bytes=args.max_size * 1024 * 1024):
            if finding.code in ignored:
                continue
            counts[finding.severity] += 1
            if args.format == "json":
                results.append({"path": path, **finding.to_dict()})
            else:
                print(_format_finding_text(path, finding))
    if args.format == "json":
        json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.flush()  # keep the summary (stderr) after every finding line when both go to one terminal
        print(
            f"{len(files)} file(s) checked: {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info",
            file=sys.stderr,
        )
    return 1 if counts["error"] else 0


def _load_for_use(path: str, force: bool) -> Any:
    """Load a document for run/view; refuse (exit 1) when it cannot be used."""
    from anrf_lsp.format.document import load_file
    from checkers import check_document

    if not os.path.isfile(path):
        raise UsageError(f"no such file: {path}")
    doc = load_file(path)
    findings = check_document(doc)
    errors = [f for f in findings if f.severity == "error"]
    if doc.model is None or not doc.syntax_ok or (errors and not force):
        for f in errors:
            print(_format_finding_text(path, f), file=sys.stderr)
        hint = "" if doc.model is None or not doc.syntax_ok else " (use --force to try anyway)"
        print(f"error: {path} has {len(errors)} error(s){hint}", file=sys.stderr)
        return None
    return doc


def cmd_run(args: argparse.Namespace) -> int:
    from anrf_lsp.execution.interpreter import AnrfRuntimeError, Interpreter, Limits

    try:
        call_args = json.loads(args.args)
    except ValueError as exc:
        raise UsageError(f"--args is not valid JSON: {exc}") from None
    if not isinstance(call_args, list):
        raise UsageError("--args must be a JSON array of positional arguments, e.g. '[[1, 2, 3]]'")
    doc = _load_for_use(args.file, args.force)
    if doc is None:
        return 1
    try:
        interp = Interpreter(doc.model, Limits(max_steps=args.max_steps, max_call_depth=args.max_depth))
        result = interp.run(args.function, call_args)
    except AnrfRuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        fn = interp.resolve(args.function).name
        print(json.dumps({"function": fn, "result": result, "steps": interp.steps}, ensure_ascii=False))
    else:
        print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_view(args: argparse.Namespace) -> int:
    from anrf_lsp.view import render_pseudocode, render_structure

    doc = _load_for_use(args.file, force=True)
    if doc is None:
        return 1
    render = render_pseudocode if args.format == "pseudocode" else render_structure
    sys.stdout.write(render(doc.model).rstrip("\n") + "\n")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Python -> ANRF: nothing is written unless the whole file translates and checks."""
    from pathlib import Path

    from anrf_lsp.pipeline import document_text, imported_path, read_source, write_new
    from anrf_lsp.program.python_import import PythonImportError, import_python

    if not os.path.isfile(args.file):
        raise UsageError(f"no such file: {args.file}")
    try:
        source = read_source(Path(args.file))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        doc = import_python(source, filename=os.path.basename(args.file), module_name=args.module)
    except PythonImportError as exc:
        print(f"{args.file}:{exc.line}:{exc.column}: error: {exc.message}", file=sys.stderr)
        return 1
    target = Path(args.out) if args.out else imported_path(Path(args.file))
    written = _write_output(target, document_text(doc), args.force, write_new)
    _report(args, {"source": args.file, "written": written, "kind": doc["intent"]["intent_type"], "anrfId": doc["anrf_id"]},
            f"wrote {written} ({doc['intent']['intent_type']} {doc['semantic']['nodes'][0]['label']})")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """ANRF -> Python that behaves as the interpreter does."""
    from pathlib import Path

    from anrf_lsp.pipeline import exported_path
    from anrf_lsp.view.python import ExportError, to_python

    doc = _load_for_use(args.file, args.force)
    if doc is None:
        return 1
    try:
        text = to_python(doc.model)
    except ExportError as exc:
        print(f"{args.file}: error: {exc}", file=sys.stderr)
        return 1
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.out) if args.out else exported_path(Path(args.file))
    written = _write_output(target, text, args.force, None)
    _report(args, {"source": args.file, "written": written, "to": args.to}, f"wrote {written}")
    return 0


def _write_output(target: Any, text: str, force: bool, write_new: Any) -> str:
    """Write `text` to `target`; an existing file is replaced only with --force (else: a free name
    beside it when `write_new` is given, or a usage error)."""
    if force or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return str(target)
    if write_new is None:
        raise UsageError(f"{target} exists (use --force to replace it, or --out PATH)")
    return str(write_new(target, text))


def _report(args: argparse.Namespace, facts: dict[str, Any], line: str) -> None:
    print(json.dumps(facts, ensure_ascii=False) if args.format == "json" else line)


def cmd_schema(args: argparse.Namespace) -> int:
    from anrf_lsp.format.model import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def cmd_lsp(args: argparse.Namespace) -> int:
    from anrf_lsp.lsp.server import run

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anrf", description="Tools for ANRF v1 documents (*.anrf.json).")
    parser.add_argument("--version", action="version", version=f"anrf {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check", help="check documents and report findings", description="Check ANRF documents; exit 1 on any error.")
    p.add_argument("paths", nargs="+", metavar="PATH", help=f"files, or directories searched recursively for *{ANRF_SUFFIX}")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--ignore", metavar="CODES", help="comma-separated codes to leave out, e.g. ANRF301,ANRF401")
    p.add_argument("--max-size", type=int, default=64, metavar="MIB", help="skip (ANRF000) files larger than this (default 64)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("run", help="execute a function of a document's execution layer")
    p.add_argument("file")
    p.add_argument("--args", default="[]", help="JSON array of positional arguments (default [])")
    p.add_argument("--function", help="function name (needed when the document defines several)")
    p.add_argument("--max-steps", type=int, default=1_000_000, help="step limit (default 1,000,000)")
    p.add_argument("--max-depth", type=int, default=100, help="call depth limit (default 100)")
    p.add_argument("--force", action="store_true", help="run even when the checks report errors")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("view", help="render a document as pseudocode or as a layer outline")
    p.add_argument("file")
    p.add_argument("--format", choices=("pseudocode", "structure"), default="pseudocode")
    p.set_defaults(func=cmd_view)

    p = sub.add_parser("import", help="translate a Python file (docs/python.md subset) into ANRF",
                       description="Translate a Python file into an ANRF v1 document; nothing is written on error.")
    p.add_argument("file", metavar="FILE.py")
    p.add_argument("--out", metavar="PATH", help=f"where to write (default: FILE{ANRF_SUFFIX} beside it, or a free name)")
    p.add_argument("--module", metavar="NAME", help="module name for a file of several functions (default: the file name)")
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="write a document as runnable Python",
                       description="Export an ANRF document as Python whose behaviour equals the interpreter's.")
    p.add_argument("file", metavar=f"FILE{ANRF_SUFFIX}")
    p.add_argument("--to", choices=("python",), default="python", help="target language (default python)")
    p.add_argument("--out", metavar="PATH", help="where to write (default: FILE.py beside it; - for stdout)")
    p.add_argument("--force", action="store_true", help="replace an existing file; export even when the checks report errors")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("schema", help="print the ANRF v1 JSON Schema")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("data", help="build and validate training datasets, export feedback")
    data = p.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    from .cli_services import add_data_export_feedback

    add_data_export_feedback(data)
    _add_training_commands(sub, data)

    _add_lsp_command(sub)

    from .services.serve import add_serve_command

    add_serve_command(sub)

    from .cli_models import add_model_commands

    add_model_commands(sub)
    return parser


def _add_training_commands(sub: Any, data: Any) -> None:
    """The one place the runtime reaches the offline package: `training.cli` adds `data build|validate`,
    `train` and `eval`. Without it (a runtime-only install) those commands are simply absent."""
    try:
        from training.cli import add_commands
    except ImportError:
        return
    add_commands(sub, data)


def lsp_parser() -> argparse.ArgumentParser:
    """`anrf lsp` alone: an editor starts the server on every launch, and the other commands' parsers
    import pydantic models and the training package (tens of ms before `initialize` could be answered)."""
    parser = argparse.ArgumentParser(prog="anrf", description="Tools for ANRF v1 documents (*.anrf.json).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_lsp_command(sub)
    return parser


def _add_lsp_command(sub: Any) -> None:
    p = sub.add_parser("lsp", help="start the language server (stdio, or --tcp HOST:PORT)")
    add_lsp_arguments(p)
    p.set_defaults(func=cmd_lsp)


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    parser = lsp_parser() if given[:1] == ["lsp"] else build_parser()

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"anrf {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
