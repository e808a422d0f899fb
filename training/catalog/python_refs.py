"""Catalog behaviours written as Python reference functions (training/catalog/py/*.py).

A behaviour is one documented function in the importable subset (docs/python.md):

    def count_negatives(numbers: list[int]) -> int:
        \"\"\"Count the negative numbers in a list.

        - count the negative numbers in a list
        - how many values are below zero
        - tally the negatives
        \"\"\"

Its key and default name are the function's name, its summary the docstring's first line, its
phrases the `- ` lines; its ANRF comes from the importer (`anrf_lsp/program/python_import.py`) and
the proof runs that ANRF against the Python function itself on generated cases (edge cases first:
empty lists and strings, zero). The module docstring of each file names the category.
"""

from __future__ import annotations

import ast
import copy
import random
import string
from pathlib import Path
from typing import Any

from anrf_lsp.program.compact import assemble
from anrf_lsp.program.python_import import translate
from training.behaviour import TYPES, Behaviour, BuildRequest, Case, Param

FOLDER = Path(__file__).resolve().parent / "py"
_TYPES = {"list[float]": "list[number]", "float": "number"}
_WORDS = ("apple", "banana", "Sky", "level", "noon", "a", "", "data", "Hello", "world", "x1", "racecar", "  pad ", "ABC")


def _type(annotation: ast.expr | None) -> str:
    text = ast.unparse(annotation) if annotation is not None else "any"
    text = _TYPES.get(text, text)
    return text if text in TYPES else "any"


def _value(type_: str, rng: random.Random, edge: bool) -> Any:
    if type_ == "int":
        return 0 if edge else rng.randint(-20, 40)
    if type_ in ("float", "number"):
        return 0 if edge else rng.choice((rng.randint(-20, 20), rng.randint(-80, 80) / 4))
    if type_ == "str":
        return "" if edge else rng.choice((rng.choice(_WORDS), " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4))),
                                           "".join(rng.choice(string.ascii_letters + " 0123456789,") for _ in range(rng.randint(1, 12)))))
    if type_ == "bool":
        return False if edge else rng.random() < 0.5
    if type_.startswith("list["):
        if edge:
            return []
        inner = type_[5:-1]
        return [_value(inner, rng, False) for _ in range(rng.randint(1, 7))]
    return rng.randint(-5, 5)


def _cases(fn_name: str, params: tuple[Param, ...]):
    def cases(rng: random.Random) -> list[Case]:
        out = [Case(fn_name, [_value(p.type, rng, True) for p in params])]
        out += [Case(fn_name, [_value(p.type, rng, False) for p in params]) for _ in range(9)]
        return out

    return cases


def load_file(path: Path) -> list[Behaviour]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    category = (ast.get_docstring(tree) or path.stem).split(":", 1)[0].strip().lower()
    namespace: dict[str, Any] = {}
    exec(compile(source, str(path), "exec"), namespace)  # noqa: S102 - the catalog's own reference code
    out = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        doc = ast.get_docstring(node) or ""
        summary = doc.splitlines()[0].strip() if doc else node.name
        listed = [line.strip()[2:].strip() for line in doc.splitlines() if line.strip().startswith("- ")]
        spoken = summary.rstrip(".")
        phrases = tuple(dict.fromkeys([*listed, spoken[:1].lower() + spoken[1:]]))  # the summary is one more way to say it
        params = tuple(Param(a.arg, _type(a.annotation)) for a in node.args.args)
        returns = _type(node.returns).removesuffix("?")
        segment = ast.get_source_segment(source, node) or ""
        out.append(_behaviour(node.name, category, summary, phrases, params, returns, segment, namespace[node.name]))
    return out


def _behaviour(name: str, category: str, summary: str, phrases: tuple[str, ...], params: tuple[Param, ...], returns: str,
               segment: str, reference: Any) -> Behaviour:
    """One function: its own Python is both the reference and, through the importer, the ANRF."""
    def build(request: BuildRequest) -> dict[str, Any]:
        names = request.param_names if len(request.param_names) == len(params) else tuple(p.name for p in params)
        text = renamed(segment, request.name, dict(zip((p.name for p in params), names, strict=True)))
        return assemble(translate(text, filename=f"{request.name}.py").text(), request)

    return Behaviour(
        key=name, kind="function", name=name, category=category, summary=summary, phrases=phrases, params=params, return_type=returns,
        build=build, cases=_cases(name, params), reference=lambda case: reference(*copy.deepcopy(case.args)), tags=(category, "python"),
    )


def renamed(source: str, function: str, parameters: dict[str, str]) -> str:
    """A one-function source with the function and its parameters renamed at once (an AST rewrite:
    `x -> step, step -> x2` swaps, a local the new names would capture moves aside, and text inside
    strings is left alone)."""
    tree = ast.parse(source)
    parameters = dict(parameters)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    for local in sorted((used - set(parameters)) & set(parameters.values())):  # a local the new names would capture
        fresh, k = f"{local}_2", 2
        while fresh in used or fresh in parameters.values():
            k += 1
            fresh = f"{local}_{k}"
        parameters[local] = fresh
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            node.name = function
        elif isinstance(node, ast.arg) and node.arg in parameters:
            node.arg = parameters[node.arg]
        elif isinstance(node, ast.Name) and node.id in parameters:
            node.id = parameters[node.id]
    return ast.unparse(tree) + "\n"


def load() -> list[Behaviour]:
    """Every Python-reference behaviour, by file then by position."""
    out: list[Behaviour] = []
    for path in sorted(FOLDER.glob("*.py")):
        out.extend(load_file(path))
    return out


BEHAVIOURS = load()
