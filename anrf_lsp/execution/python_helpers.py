"""The Python helpers an exported program may carry (anrf_lsp/view/python.py writes them, only those it
uses) for operations whose plain Python spelling would not give the interpreter's value; the importer
(anrf_lsp/program/python_import.py) reads a file that has them back as the operations they stand for.
"""

from __future__ import annotations

import ast

# Helpers for operations whose Python spelling would not give the interpreter's value.
HELPERS = {
    "_to_string": '''def _to_string(x):
    """ANRF to_string: numbers without a trailing .0, true/false/null, JSON for containers."""
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return "true" if x else "false"
    if x is None:
        return "null"
    if isinstance(x, float) and x.is_integer():
        return str(int(x)) if abs(x) < 1e16 else repr(x)
    if isinstance(x, (int, float)):
        return str(x)
    text = json.dumps(x)
    return text if len(text) <= 40 else text[:40] + "…"''',
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

OPERATION = {"_to_string": "to_string", "_index_of": "index_of", "_appended": "list_append", "_with_item": "list_set", "_with_field": "set_field"}


def is_helper(node: ast.FunctionDef) -> bool:
    """Whether a top-level function is one of these helpers, exactly as the exporter writes it."""
    text = HELPERS.get(node.name)
    return text is not None and ast.dump(ast.parse(text).body[0]) == ast.dump(node)
