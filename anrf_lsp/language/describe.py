"""One-line descriptions of ids, shared by hover, symbols and completion so an id
reads the same everywhere: an execution node by its operation (and name), a
semantic node by its node_type and label, a type by its kind and name, an edge
by its type and ends."""

from __future__ import annotations

from typing import Any

from .fields import EXEC_EDGE, EXEC_NODE, SEMANTIC_EDGE, SEMANTIC_NODE, TYPE
from .index import Definition

MAX_TEXT = 80  # longest label, name or value quoted in a description


def clip(value: Any, limit: int = MAX_TEXT) -> str:
    """`value` as short single-line text."""
    line = " ".join(str(value).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def property_of(obj: dict, key: str) -> str:
    """A string (or scalar) property of a node, "" when absent."""
    props = obj.get("properties")
    value = props.get(key) if isinstance(props, dict) else None
    return clip(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def string_of(obj: dict, key: str) -> str:
    """A string member of an object, "" when absent."""
    value = obj.get(key)
    return clip(value) if isinstance(value, str) else ""


def summary(defn: Definition) -> str:
    """e.g. "for_each num", "function sum", "array Number[]", "has_parameter func_sum → param_numbers"."""
    obj = defn.obj
    if defn.scope == EXEC_NODE:
        name = property_of(obj, "name") or property_of(obj, "iterator") or property_of(obj, "value") or property_of(obj, "function")
        return " ".join(filter(None, (string_of(obj, "operation"), name)))
    if defn.scope == SEMANTIC_NODE:
        return " ".join(filter(None, (string_of(obj, "node_type"), string_of(obj, "label"))))
    if defn.scope == TYPE:
        return " ".join(filter(None, (string_of(obj, "type_kind"), string_of(obj, "name"))))
    if defn.scope in (SEMANTIC_EDGE, EXEC_EDGE):
        return f"{string_of(obj, 'edge_type')} {string_of(obj, 'source_id') or '?'} → {string_of(obj, 'target_id') or '?'}".strip()
    return ""
