"""Which JSON fields of an ANRF document define ids, refer to ids, or take enum values.

One table (`SHAPE`) drives the id index (what to record), completion (what to
offer at a position) and hover, so the three can never disagree about what a
field means. The table mirrors design.md section 2; enum values come from the
`Literal` types of `anrf_lsp.format.model` and the operation table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from ..execution.ops import KINDS, OPS, base_kind
from ..format import model
from ..format.jsonsource import Path

# Id scopes: the five kinds of definition an id can name.
SEMANTIC_NODE = "semantic_node"
SEMANTIC_EDGE = "semantic_edge"
TYPE = "type"
EXEC_NODE = "exec_node"
EXEC_EDGE = "exec_edge"

SCOPE_NAMES = {
    SEMANTIC_NODE: "semantic node",
    SEMANTIC_EDGE: "semantic edge",
    TYPE: "type",
    EXEC_NODE: "execution node",
    EXEC_EDGE: "execution edge",
}


@dataclass(frozen=True, slots=True)
class Defines:
    """A string that defines an id of `scope` (the id key of a node, edge or type)."""

    scope: str


@dataclass(frozen=True, slots=True)
class Refers:
    """A string that names an id of `scope`. `when(owner, value)` narrows fields that
    are references only sometimes (a constant's `properties.type` may be a kind)."""

    scope: str
    when: Callable[[dict, str], bool] | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """A string taking one of `values`; `describe(value)` gives (detail, documentation)."""

    values: tuple[str, ...]
    describe: Callable[[str], tuple[str, str]] | None = None


@dataclass(frozen=True, slots=True)
class Each:
    """Every element of a list (or every value of a map) has the shape `item`."""

    item: Any

    @property
    def identity(self) -> tuple[str, str] | None:
        """(id key, scope) when the elements are nodes, edges or types, else None.
        Such an element owns the references inside it."""
        if isinstance(self.item, dict):
            for key, shape in self.item.items():
                if isinstance(shape, Defines):
                    return key, shape.scope
        return None


@dataclass(frozen=True, slots=True)
class Landmark:
    """A value features need to find quickly (the `anrf_id` string, the intent object).
    The index records where it is but does not walk into it; `inner` is its shape."""

    name: str
    inner: Any = None


def _literal(alias: Any) -> Choice:
    return Choice(tuple(get_args(alias)))


def _describe_op(name: str) -> tuple[str, str]:
    spec = OPS[name]
    return f"{spec.category} · {spec.arity_text()} inputs", spec.doc


def _constant_type(owner: dict, value: str) -> bool:
    """A constant's `properties.type` names a type unless it is a value kind (`number`, `list<…>`)."""
    return owner.get("operation") == "constant" and base_kind(value) not in KINDS


OPERATION = Choice(tuple(OPS), _describe_op)

SHAPE: dict[str, Any] = {
    "anrf_id": Landmark("anrf_id"),
    "intent": Landmark(
        "intent",
        {
            "intent_type": _literal(model.IntentType),
            "constraints": Each({"type": _literal(model.ConstraintType)}),
        },
    ),
    "semantic": {
        "nodes": Each(
            {
                "node_id": Defines(SEMANTIC_NODE),
                "node_type": _literal(model.NodeType),
                "properties": {"type": Refers(TYPE), "return_type": Refers(TYPE)},
                "execution_refs": Each(Refers(EXEC_NODE)),
            }
        ),
        "edges": Each(
            {
                "edge_id": Defines(SEMANTIC_EDGE),
                "source_id": Refers(SEMANTIC_NODE),
                "target_id": Refers(SEMANTIC_NODE),
                "edge_type": _literal(model.EdgeType),
            }
        ),
        "types": Each(
            {
                "type_id": Defines(TYPE),
                "type_kind": _literal(model.TypeKind),
                "fields": Each({"type_id": Refers(TYPE)}),
                "parent_type": Refers(TYPE),
                "properties": {"element_type": Refers(TYPE)},
            }
        ),
        "symbol_table": Each(Refers(SEMANTIC_NODE)),
    },
    "execution": {
        "format": _literal(model.ExecutionFormat),
        "nodes": Each(
            {
                "node_id": Defines(EXEC_NODE),
                "operation": OPERATION,
                "inputs": Each(Refers(EXEC_NODE)),
                "outputs": Each(Refers(EXEC_NODE)),
                "properties": {"type": Refers(TYPE, _constant_type)},
            }
        ),
        "edges": Each(
            {
                "edge_id": Defines(EXEC_EDGE),
                "source_id": Refers(EXEC_NODE),
                "target_id": Refers(EXEC_NODE),
                "edge_type": _literal(model.ExecEdgeType),
            }
        ),
    },
    "metadata": Landmark("metadata"),
}


def _defining_lists(shape: Any, path: tuple[str, ...] = ()) -> dict[str, str]:
    """scope -> where its definitions live, e.g. "execution.nodes" (read off `SHAPE`)."""
    if isinstance(shape, dict):
        return {scope: where for key, sub in shape.items() for scope, where in _defining_lists(sub, path + (key,)).items()}
    if isinstance(shape, Each) and shape.identity is not None:
        return {shape.identity[1]: ".".join(path)}
    return {}


SCOPE_LISTS = _defining_lists(SHAPE)
SCOPE_LAYERS = {scope: where.split(".")[0] for scope, where in SCOPE_LISTS.items()}  # "semantic" or "execution"


def shape_at(path: Path) -> Any:
    """The shape (a leaf above, `Each`, or a dict of member shapes) of the value at `path`, or None."""
    shape: Any = SHAPE
    for part in path:
        if isinstance(shape, Landmark):
            shape = shape.inner
        if isinstance(shape, dict) and isinstance(part, str):
            shape = shape.get(part)
        elif isinstance(shape, Each):
            shape = shape.item
        else:
            return None
        if shape is None:
            return None
    return shape.inner if isinstance(shape, Landmark) and shape.inner is not None else shape
