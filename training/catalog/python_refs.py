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
import re
import string
from pathlib import Path
from typing import Any

from anrf_lsp.program.compact import assemble
from anrf_lsp.program.python_import import translate
from training.behaviour import Behaviour, BuildRequest, Case, Param, behaviour_type

FOLDER = Path(__file__).resolve().parent / "py"
_WORDS = ("apple", "banana", "Sky", "level", "noon", "a", "", "data", "Hello", "world", "x1", "racecar", "  pad ", "ABC")


def _type(annotation: ast.expr | None) -> str:
    return behaviour_type(ast.unparse(annotation) if annotation is not None else "any")


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
        if isinstance(node, ast.ClassDef):
            out.append(_class_behaviour(node, source, namespace[node.name]))
            continue
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        summary, phrases = _described(ast.get_docstring(node) or "", node.name)
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


def _described(doc: str, fallback: str) -> tuple[str, tuple[str, ...]]:
    """(summary, phrases) of a docstring: its first line, its `- ` lines and the summary said as a phrase."""
    summary = doc.splitlines()[0].strip() if doc else fallback
    listed = [line.strip()[2:].strip() for line in doc.splitlines() if line.strip().startswith("- ")]
    spoken = summary.rstrip(".")
    return summary, tuple(dict.fromkeys([*listed, spoken[:1].lower() + spoken[1:]]))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _class_behaviour(node: ast.ClassDef, source: str, cls: Any) -> Behaviour:
    """A class written in the exported style: `new` builds the instance dict, methods take it as `self`."""
    summary, phrases = _described(ast.get_docstring(node) or "", node.name)
    segment = ast.get_source_segment(source, node) or ""
    methods = [m for m in node.body if isinstance(m, ast.FunctionDef)]
    constructor = next(m for m in methods if m.name == "new")

    def args_of(method: ast.FunctionDef, rng: random.Random, skip_self: bool) -> list[Any]:
        return [_value(_type(a.annotation), rng, False) for a in method.args.args[1 if skip_self else 0 :]]

    def cases(rng: random.Random) -> list[Case]:
        out = [Case(f"{node.name}.new", args_of(constructor, rng, False))]
        for method in methods:
            if method.name == "new":
                continue
            for _ in range(3):
                state = cls.new(*args_of(constructor, rng, False))
                for _ in range(rng.randint(0, 3)):  # a few updates first, so states vary
                    updater = rng.choice([m for m in methods if m.name != "new"])
                    if updater.returns is not None and ast.unparse(updater.returns) == "dict":
                        state = getattr(cls, updater.name)(state, *args_of(updater, rng, True))
                out.append(Case(f"{node.name}.{method.name}", [state, *args_of(method, rng, True)]))
        return out

    def build(request: BuildRequest) -> dict[str, Any]:
        text = re.sub(rf"^class {node.name}\b", f"class {request.name}", segment, count=1)
        return assemble(translate(text, filename=f"{_snake(request.name)}.py").text(), request)

    def reference(case: Case) -> Any:
        return getattr(cls, case.function.rsplit(".", 1)[1])(*copy.deepcopy(case.args))

    return Behaviour(key=f"{_snake(node.name)}_class", kind="class", name=node.name, category="class", summary=summary, phrases=phrases,
                     params=(), return_type="any", build=build, cases=cases, reference=reference, tags=("class", "python"))


def load_module(path: Path) -> Behaviour:
    """A file of functions as one module behaviour: its docstring describes the module."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    summary, phrases = _described(ast.get_docstring(tree) or "", path.stem)
    namespace: dict[str, Any] = {}
    exec(compile(source, str(path), "exec"), namespace)  # noqa: S102 - the catalog's own reference code
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]

    def cases(rng: random.Random) -> list[Case]:
        return [Case(f.name, [_value(_type(a.annotation), rng, edge) for a in f.args.args]) for f in functions for edge in (True, False, False)]

    def build(request: BuildRequest) -> dict[str, Any]:
        return assemble(translate(source, filename=path.name, module_name=request.name).text(), request)

    return Behaviour(key=f"{path.stem}_module", kind="module", name=path.stem, category="module", summary=summary, phrases=phrases,
                     params=(), return_type="any", build=build, cases=cases,
                     reference=lambda case: namespace[case.function](*copy.deepcopy(case.args)), tags=("module", "python"))


def load() -> list[Behaviour]:
    """Every Python-reference behaviour: functions and classes by file, then the modules of py/modules/."""
    out: list[Behaviour] = []
    for path in sorted(FOLDER.glob("*.py")):
        out.extend(load_file(path))
    out.extend(load_module(path) for path in sorted((FOLDER / "modules").glob("*.py")))
    return out


BEHAVIOURS = load()
