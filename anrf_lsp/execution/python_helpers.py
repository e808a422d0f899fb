"""The Python helpers an exported program may carry (anrf_lsp/view/python.py writes them, only those it
uses) for operations whose plain Python spelling would not give the interpreter's value; the importer
(anrf_lsp/program/python_import.py) reads a file that has them back as the operations they stand for.
"""

from __future__ import annotations

import ast
import inspect
import re

from .ops import _to_string, json_repr


def _own_source(fn: object, name: str) -> str:
    """The source of an op-table function under the helper's name: the export then carries the very
    code the interpreter runs, not a copy that could drift from it."""
    text = inspect.getsource(fn).replace(f"def {fn.__name__}(", f"def {name}(", 1)  # type: ignore[attr-defined]
    return re.sub(r"\bjson_repr\(", "_json_repr(", text).rstrip()


# Helpers for operations whose Python spelling would not give the interpreter's value.
HELPERS = {
    "_json_repr": _own_source(json_repr, "_json_repr"),
    "_to_string": _own_source(_to_string, "_to_string"),
    "_index_of": '''def _index_of(container, item):
    """ANRF index_of: the first index of an element or substring, -1 when absent."""
    if isinstance(container, str):
        return container.find(item)
    return next((i for i, x in enumerate(container) if x == item), -1)''',
    "_appended": '''def _appended(items, item):
    """ANRF list_append used as a value: appends in place and gives the list."""
    items.append(item)
    return items''',
    "_with_item": '''def _with_item(items, index, item):
    """ANRF list_set used as a value: sets in place and gives the list."""
    items[index] = item
    return items''',
    "_with_field": '''def _with_field(obj, key, value):
    """ANRF set_field used as a value: sets in place and gives the object."""
    obj[key] = value
    return obj''',
}

NEEDS = {"_to_string": ("_json_repr",)}  # helpers a helper calls
OPERATION = {"_to_string": "to_string", "_index_of": "index_of", "_appended": "list_append", "_with_item": "list_set", "_with_field": "set_field"}


def is_helper(node: ast.FunctionDef) -> bool:
    """Whether a top-level function is one of these helpers, exactly as the exporter writes it."""
    text = HELPERS.get(node.name)
    return text is not None and ast.dump(ast.parse(text).body[0]) == ast.dump(node)
