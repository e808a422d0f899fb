"""The behaviour catalog: `CATALOG`, every behaviour by key, in a stable order
(functions by category, then classes, then modules).

Each behaviour proves itself (see `verify.py`): its ANRF passes every checker
with no warning and runs equal to its Python reference on its cases. The ones in
`py/` are written as Python reference functions and imported (python_refs.py).
"""

from __future__ import annotations

from training.behaviour import Behaviour

from . import aggregates, classes, modules, numeric, python_refs, strings, transforms, validation

__all__ = ["CATALOG", "complexity"]

CATALOG: dict[str, Behaviour] = {}
for _group in (aggregates, transforms, strings, numeric, validation, python_refs, classes, modules):
    for _b in _group.BEHAVIOURS:
        if _b.key in CATALOG:
            raise ValueError(f"duplicate behaviour key {_b.key!r}")
        CATALOG[_b.key] = _b


def complexity(behaviour: Behaviour) -> str:
    """The time complexity its ANRF declares (execution.properties.complexity), e.g. 'O(n)':
    a performance constraint promising less would be contradicted (ANRF402)."""
    from .verify import default_request

    return behaviour.build(default_request(behaviour))["execution"]["properties"]["complexity"]
