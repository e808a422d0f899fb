"""Command-line flags generated from a config dataclass, so a default lives in one place (the field)
and the CLI cannot drift from the code it configures.

Each field becomes `--field-name` (help from `metadata["help"]`); a field without a default is a
required flag; `bool` fields default False become `--flag`, default True become `--no-flag`;
`X | None` takes the type X. `metadata={"flag": False}` leaves a field out."""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from typing import Any


def _scalar(hint: Any) -> Any:
    """`int | None` -> int; a plain type as is."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else str
    return hint


def add_arguments(parser: argparse.ArgumentParser, config_class: type) -> None:
    hints = typing.get_type_hints(config_class)
    for f in dataclasses.fields(config_class):
        if not f.metadata.get("flag", True):
            continue
        flag = "--" + f.name.replace("_", "-")
        help_text = f.metadata.get("help")
        has_default = f.default is not dataclasses.MISSING
        kind = _scalar(hints[f.name])
        if kind is bool:
            if f.default:
                parser.add_argument("--no-" + f.name.replace("_", "-"), dest=f.name, action="store_false",
                                    help=f"no {help_text}" if help_text else None)
            else:
                parser.add_argument(flag, dest=f.name, action="store_true", help=help_text)
            continue
        shown = f" (default {f.default})" if has_default and f.default is not None else ""
        parser.add_argument(flag, dest=f.name, type=kind, required=not has_default, default=f.default if has_default else None,
                            help=(help_text or "") + shown or None)


def from_arguments(config_class: type, args: argparse.Namespace) -> Any:
    """The config instance the parsed flags describe (fields with no flag keep their defaults)."""
    names = {f.name for f in dataclasses.fields(config_class) if f.metadata.get("flag", True)}
    return config_class(**{name: getattr(args, name) for name in names})
