"""The behaviour catalog's contract: one `Behaviour` per thing users ask for
("clamp a value", "count the vowels", a `Stack` class, a text-utilities module).

A behaviour is self-proving: it carries a reference Python implementation, an
ANRF builder and a test-case generator, and the data build checks that every
ANRF it builds passes the checkers and runs equal to the reference on the cases.
The phrasing generator reads only the descriptive fields (key, kind, name,
summary, phrases, params, return_type).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from anrf_lsp.program.builder import BuildRequest

BehaviourKind = Literal["function", "class", "module"]

# The type vocabulary of parameters and results (structured intent and ANRF builders agree on it).
__all__ = ["TYPES", "Behaviour", "BehaviourKind", "BuildRequest", "Case", "Param", "behaviour_type", "renamed_function"]

TYPES = ("int", "float", "number", "str", "bool", "list[int]", "list[float]", "list[number]", "list[str]", "any")
_FROM_PYTHON = {"float": "number", "list[float]": "list[number]"}  # a Python float annotation accepts ints too


def behaviour_type(annotation: str) -> str:
    """The TYPES entry of a Python annotation's text (`float` is `number`); `any` for one TYPES lacks."""
    text = _FROM_PYTHON.get(annotation, annotation)
    return text if text in TYPES else "any"


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str  # one of TYPES


@dataclass(frozen=True, slots=True)
class Case:
    """One call: `function` (a function name of the built ANRF, or "Class.method") on positional JSON args."""

    function: str
    args: list[Any]


@dataclass(frozen=True)
class Behaviour:
    key: str  # the structured intent's `operation`: stable, snake_case, e.g. "max_of_list"
    kind: BehaviourKind
    name: str  # default target name: snake_case, CamelCase for classes
    category: str  # aggregate | search | filter | map | string | numeric | validation | conversion | class | module
    summary: str  # one sentence, imperative: "Return the largest number in a list."
    phrases: tuple[str, ...]  # >= 3 verb phrases without a name: "find the largest number in a list", ...
    params: tuple[Param, ...]  # functions: the parameters; classes/modules: ()
    return_type: str  # functions: one of TYPES; classes/modules: "any"
    build: Callable[[BuildRequest], dict[str, Any]]  # -> ANRF v1 JSON (a dict)
    cases: Callable[[random.Random], list[Case]]  # deterministic for a given Random state; include edge cases
    reference: Callable[[Case], Any]  # the expected result of a case (for classes: see the class builders)
    tags: tuple[str, ...] = field(default=())
    tree: Any = None  # a composed behaviour's v2 expression (anrf_lsp.intent.behaviour.BehaviourNode); None for catalog ones


def renamed_function(function: str, behaviour: Behaviour, request: BuildRequest) -> str:
    """Cases name functions by their default names; a renamed target renames the function (or class prefix)."""
    if behaviour.kind == "function" and function == behaviour.name:
        return request.name
    if behaviour.kind == "class" and function.startswith(behaviour.name + "."):
        return request.name + function[len(behaviour.name) :]
    return function
