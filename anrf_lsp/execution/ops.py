"""The execution-layer operation table: one source of truth for the interpreter,
the type checker (ANRF202/205), the docs and editor completion.

Value kinds: number, string, boolean, null, list, object; `any` matches all.
A signature lists operand kinds and the result kind; an op may have several
(e.g. `add` works on two numbers, two strings or two lists). Variadic ops repeat
their last operand kind.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KINDS = ("number", "string", "boolean", "null", "list", "object", "any")

MAX_INT_BITS = 4096  # bounds integer growth (e.g. repeated squaring) like the step limit bounds time
MAX_SEQUENCE = 1_000_000  # longest string or list an operation may build


class OpError(Exception):
    """A runtime error inside one operation (the interpreter adds the node id)."""


@dataclass(frozen=True, slots=True)
class Signature:
    operands: tuple[str, ...]
    result: str
    variadic: bool = False  # the last operand kind repeats

    def accepts(self, kinds: list[str]) -> bool:
        n = len(self.operands)
        if self.variadic:
            if len(kinds) < n - 1:
                return False
        elif len(kinds) != n:
            return False
        for i, k in enumerate(kinds):
            want = self.operands[min(i, n - 1)] if n else "any"
            if not kind_matches(k, want):
                return False
        return True

    def render(self) -> str:
        ops = ", ".join(self.operands) + (", …" if self.variadic else "")
        return f"({ops}) → {self.result}"


@dataclass(frozen=True, slots=True)
class OpSpec:
    name: str
    category: str  # structure | control | data | arithmetic | comparison | logic | list | string | object
    min_inputs: int
    max_inputs: int | None  # None: unbounded
    doc: str
    signatures: tuple[Signature, ...] = ()
    impl: Callable[..., Any] | None = None
    # Control edges this op may have besides its incoming ones (for ANRF205 and the docs).
    control_edges: tuple[str, ...] = ("control_flow",)
    statement_only: bool = False  # only meaningful on the control chain
    properties: dict[str, str] = field(default_factory=dict)  # property name -> meaning
    linear: bool = False  # cost grows with the size of its first operand (ANRF402)

    def arity_text(self) -> str:
        if self.max_inputs is None:
            return f"≥ {self.min_inputs}"
        if self.min_inputs == self.max_inputs:
            return str(self.min_inputs)
        return f"{self.min_inputs}–{self.max_inputs}"


# Infix spelling of operations in the textual forms (pseudocode view, compact form): op -> (symbol,
# precedence); higher binds tighter (Python's order). One table, so the two forms cannot disagree.
INFIX: dict[str, tuple[str, int]] = {
    "or": ("or", 1), "and": ("and", 2),
    "eq": ("==", 4), "ne": ("!=", 4), "lt": ("<", 4), "le": ("<=", 4), "gt": (">", 4), "ge": (">=", 4),
    "add": ("+", 6), "sub": ("-", 6), "mul": ("*", 7), "div": ("/", 7), "floordiv": ("//", 7), "mod": ("%", 7),
    "pow": ("**", 9),
}
ATOM_PRECEDENCE = 10  # operands that never need parentheses


def kind_of(value: Any) -> str:
    """Runtime kind of a JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "any"


def base_kind(kind: str) -> str:
    """'list<number>' -> 'list'."""
    return kind.split("<", 1)[0]


def kind_matches(actual: str, wanted: str) -> bool:
    if wanted == "any" or actual == "any":
        return True
    return base_kind(actual) == base_kind(wanted)


# -- helpers --------------------------------------------------------------


def _num(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        raise OpError("result is not a finite number")
    if isinstance(x, int) and x.bit_length() > MAX_INT_BITS:
        raise OpError(f"integer result exceeds {MAX_INT_BITS} bits")
    return x


def _seq(x: Any) -> Any:
    if len(x) > MAX_SEQUENCE:
        raise OpError(f"result longer than {MAX_SEQUENCE} elements")
    return x


def _int(x: Any, what: str) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or x != int(x):
        raise OpError(f"{what} must be an integer, got {json_repr(x)}")
    return int(x)


def json_repr(x: Any) -> str:
    import json

    try:
        text = json.dumps(x)
    except (TypeError, ValueError):
        text = repr(x)
    return text if len(text) <= 40 else text[:40] + "…"


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, 1 equals 1.0, containers compare deeply."""
    ka, kb = kind_of(a), kind_of(b)
    if ka != kb:
        return False
    if ka == "list":
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if ka == "object":
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return a == b


def _add(a: Any, b: Any) -> Any:
    if isinstance(a, (str, list)):
        return _seq(a + b)
    return _num(a + b)


def _div(a: Any, b: Any) -> Any:
    if b == 0:
        raise OpError("division by zero")
    return _num(a / b)


def _floordiv(a: Any, b: Any) -> Any:
    if b == 0:
        raise OpError("division by zero")
    return _num(a // b)


def _mod(a: Any, b: Any) -> Any:
    if b == 0:
        raise OpError("modulo by zero")
    return _num(a % b)


def _pow(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and a not in (0, 1, -1) and b * max(a.bit_length(), 1) > MAX_INT_BITS:
        raise OpError(f"integer result exceeds {MAX_INT_BITS} bits")
    try:
        result = a**b
    except (OverflowError, ZeroDivisionError) as exc:
        raise OpError(str(exc)) from None
    if isinstance(result, complex):
        raise OpError("result is not a real number")
    return _num(result)


def _sqrt(a: Any) -> Any:
    if a < 0:
        raise OpError("square root of a negative number")
    return math.sqrt(a)


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def run(a: Any, b: Any) -> bool:
        if kind_of(a) != kind_of(b):
            raise OpError(f"cannot compare {kind_of(a)} with {kind_of(b)}")
        return op(a, b)

    return run


def _minmax(pick: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        values = args[0] if len(args) == 1 and isinstance(args[0], list) else list(args)
        if not values:
            raise OpError("empty sequence")
        kinds = {kind_of(v) for v in values}
        if len(kinds) != 1 or kinds.pop() not in ("number", "string"):
            raise OpError("values must all be numbers or all be strings")
        return pick(values)

    return run


def _index(seq: Any, i: Any) -> Any:
    if isinstance(seq, dict):
        if not isinstance(i, str):
            raise OpError("object keys are strings")
        if i not in seq:
            raise OpError(f"no key {json_repr(i)}")
        return seq[i]
    k = _int(i, "index")
    if not -len(seq) <= k < len(seq):
        raise OpError(f"index {k} out of range for length {len(seq)}")
    return seq[k]


def _list_append(lst: list, item: Any) -> list:
    lst.append(item)
    return _seq(lst)


def _list_set(lst: list, i: Any, item: Any) -> list:
    k = _int(i, "index")
    if not -len(lst) <= k < len(lst):
        raise OpError(f"index {k} out of range for length {len(lst)}")
    lst[k] = item
    return lst


def _slice(seq: Any, start: Any = None, end: Any = None) -> Any:
    s = None if start is None else _int(start, "start")
    e = None if end is None else _int(end, "end")
    return seq[s:e]


def _range(*args: Any) -> list:
    ints = [_int(a, "range bound") for a in args]
    if len(ints) == 3 and ints[2] == 0:
        raise OpError("range step must not be zero")
    r = range(*ints)
    if len(r) > MAX_SEQUENCE:
        raise OpError(f"range longer than {MAX_SEQUENCE} elements")
    return list(r)


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, str):
        if not isinstance(item, str):
            raise OpError("a string can only contain strings")
        return item in container
    if isinstance(container, dict):
        return isinstance(item, str) and item in container
    return any(json_equal(x, item) for x in container)


def _index_of(container: Any, item: Any) -> int:
    if isinstance(container, str):
        if not isinstance(item, str):
            raise OpError("a string can only contain strings")
        return container.find(item)
    for i, x in enumerate(container):
        if json_equal(x, item):
            return i
    return -1


def _split(s: str, sep: Any = None) -> list:
    if sep == "":
        raise OpError("empty separator")
    return _seq(s.split(sep))


def _join(items: list, sep: str = "") -> str:
    if not all(isinstance(x, str) for x in items):
        raise OpError("join needs a list of strings")
    return _seq(sep.join(items))


def _sort(items: list) -> list:
    kinds = {kind_of(v) for v in items}
    if len(kinds) > 1 or (kinds and next(iter(kinds)) not in ("number", "string")):
        raise OpError("sort needs a list of numbers or a list of strings")
    return sorted(items)


def _to_string(x: Any) -> str:
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
    return json_repr(x)


def _to_int(x: Any) -> int:
    if isinstance(x, bool):
        raise OpError("cannot convert a boolean to an integer")
    if isinstance(x, str):
        try:
            return int(x.strip())
        except ValueError:
            raise OpError(f"not an integer: {json_repr(x)}") from None
    if isinstance(x, float) and not math.isfinite(x):
        raise OpError("not a finite number")
    return int(x)


def _to_float(x: Any) -> float:
    if isinstance(x, bool):
        raise OpError("cannot convert a boolean to a number")
    if isinstance(x, str):
        try:
            v = float(x.strip())
        except ValueError:
            raise OpError(f"not a number: {json_repr(x)}") from None
        if not math.isfinite(v):
            raise OpError("not a finite number")
        return v
    return float(x)


def _round(x: Any, digits: Any = None) -> Any:
    if digits is None:
        return round(x)
    return round(x, _int(digits, "digits"))


def _replace(s: str, old: str, new: str) -> str:
    if old == "":
        raise OpError("empty search string")
    return _seq(s.replace(old, new))


def _repeat(s: Any, n: Any) -> Any:
    k = _int(n, "count")
    if k > 0 and len(s) * k > MAX_SEQUENCE:
        raise OpError(f"result longer than {MAX_SEQUENCE} elements")
    return s * max(k, 0)


def _get_field(obj: dict, key: str) -> Any:
    if key not in obj:
        raise OpError(f"object has no field {json_repr(key)}")
    return obj[key]


def _set_field(obj: dict, key: str, value: Any) -> dict:
    obj[key] = value
    return obj


def _object_new(*pairs: Any) -> dict:
    if len(pairs) % 2:
        raise OpError("object_new takes key, value pairs")
    out: dict[str, Any] = {}
    for k, v in zip(pairs[::2], pairs[1::2]):
        if not isinstance(k, str):
            raise OpError("object keys are strings")
        out[k] = v
    return out


S = Signature
N, STR, B, L, O, A, Z = "number", "string", "boolean", "list", "object", "any", "null"


def _op(name: str, category: str, lo: int, hi: int | None, doc: str, sigs: tuple[Signature, ...] = (), impl=None, **kw) -> OpSpec:
    return OpSpec(name, category, lo, hi, doc, sigs, impl, **kw)


_TABLE: list[OpSpec] = [
    # structure: define functions, parameters, variables, constants
    _op("function_def", "structure", 0, None, "Starts a function. `inputs` are its parameter nodes in order; `outputs` conventionally its return nodes. Control starts at its `control_flow` successor.",
        properties={"name": "function name (required)"}),
    _op("parameter", "structure", 0, 0, "A function parameter; its value is the argument at its position in the function_def's `inputs`. As a statement it does nothing.",
        properties={"name": "parameter name"}),
    _op("variable_def", "structure", 0, 1, "Declares a variable. As a statement it (re)initialises it from its input, else from `initial_value`. Read as an operand, it is the variable's current value. An op whose `outputs` name it assigns to it.",
        properties={"name": "variable name", "initial_value": "JSON literal (default null)"}),
    _op("constant", "data", 0, 0, "A literal value.", properties={"value": "JSON literal text (a string that is not valid JSON is taken as text)", "type": "optional type_id or kind"}),
    _op("assign", "data", 1, 2, "With one input: its value, assigned to the variables in `outputs`. With two inputs (target variable, value): assigns value to the target.",
        (S((A,), A), S((A, A), A))),
    # arithmetic
    _op("add", "arithmetic", 2, 2, "Sum of two numbers; concatenation of two strings or two lists.", (S((N, N), N), S((STR, STR), STR), S((L, L), L)), _add),
    _op("sub", "arithmetic", 2, 2, "Difference.", (S((N, N), N),), lambda a, b: _num(a - b)),
    _op("mul", "arithmetic", 2, 2, "Product.", (S((N, N), N),), lambda a, b: _num(a * b)),
    _op("div", "arithmetic", 2, 2, "True division (result is a float); error on division by zero.", (S((N, N), N),), _div),
    _op("floordiv", "arithmetic", 2, 2, "Division rounded toward negative infinity; error on zero.", (S((N, N), N),), _floordiv),
    _op("mod", "arithmetic", 2, 2, "Remainder with the sign of the divisor (Python semantics); error on zero.", (S((N, N), N),), _mod),
    _op("neg", "arithmetic", 1, 1, "Negation.", (S((N,), N),), lambda a: -a),
    _op("abs", "arithmetic", 1, 1, "Absolute value.", (S((N,), N),), abs),
    _op("pow", "arithmetic", 2, 2, "Power (bounded integer growth).", (S((N, N), N),), _pow),
    _op("sqrt", "arithmetic", 1, 1, "Square root; error on negative input.", (S((N,), N),), _sqrt),
    _op("round", "arithmetic", 1, 2, "Round to an integer, or to a number of decimal digits (half to even).", (S((N,), N), S((N, N), N)), _round),
    _op("min", "arithmetic", 1, None, "Smallest of its inputs, or of one list input.", (S((L,), A), S((N, N), N, True), S((STR, STR), STR, True)), _minmax(min), linear=True),
    _op("max", "arithmetic", 1, None, "Largest of its inputs, or of one list input.", (S((L,), A), S((N, N), N, True), S((STR, STR), STR, True)), _minmax(max), linear=True),
    # comparison
    _op("eq", "comparison", 2, 2, "JSON equality (deep; `true` is not `1`).", (S((A, A), B),), json_equal),
    _op("ne", "comparison", 2, 2, "Negated `eq`.", (S((A, A), B),), lambda a, b: not json_equal(a, b)),
    _op("lt", "comparison", 2, 2, "Less than (two numbers or two strings).", (S((N, N), B), S((STR, STR), B)), _compare(lambda a, b: a < b)),
    _op("le", "comparison", 2, 2, "Less than or equal.", (S((N, N), B), S((STR, STR), B)), _compare(lambda a, b: a <= b)),
    _op("gt", "comparison", 2, 2, "Greater than.", (S((N, N), B), S((STR, STR), B)), _compare(lambda a, b: a > b)),
    _op("ge", "comparison", 2, 2, "Greater than or equal.", (S((N, N), B), S((STR, STR), B)), _compare(lambda a, b: a >= b)),
    # logic
    _op("and", "logic", 2, None, "Logical and; short-circuits left to right.", (S((B, B), B, True),)),
    _op("or", "logic", 2, None, "Logical or; short-circuits left to right.", (S((B, B), B, True),)),
    _op("not", "logic", 1, 1, "Logical negation.", (S((B,), B),), lambda a: not a),
    # control
    _op("if", "control", 1, 1, "Branch on a boolean: control goes to the `true_branch` or `false_branch` successor; a missing branch continues along the if's own `control_flow` edge. The branches rejoin where their chains meet.",
        (S((B,), Z),), control_edges=("true_branch", "false_branch", "control_flow"), statement_only=True),
    _op("for_each", "control", 1, None, "Loop over the first input (a list, or a string's characters). Inside the body the node's own value is the current element. Extra inputs are allowed and ignored. `loop_body` leads to the first body statement; the body ends at an `end_loop`.",
        (S((L, A), A, True), S((STR, A), STR, True)), control_edges=("loop_body", "control_flow"), statement_only=True, properties={"iterator": "name of the loop variable"}, linear=True),
    _op("while", "control", 1, None, "Loop while the first input (re-evaluated before every iteration) is true. `loop_body` leads to the first body statement; the body ends at an `end_loop`.",
        (S((B, A), Z, True),), control_edges=("loop_body", "control_flow"), statement_only=True),
    _op("end_loop", "control", 0, None, "Ends a loop body and hands control back to its loop. When the loop is done, control continues along the end_loop's `control_flow` edge (or, without one, the loop's own). Inputs are ignored.",
        control_edges=("control_flow",), statement_only=True),
    _op("break", "control", 0, 0, "Leaves the innermost loop; control continues where that loop exits.", control_edges=(), statement_only=True),
    _op("continue", "control", 0, 0, "Starts the next iteration of the innermost loop.", control_edges=(), statement_only=True),
    _op("return", "control", 0, 1, "Returns its input (or null) from the function.", (S((), Z), S((A,), A)), control_edges=(), statement_only=True),
    _op("call", "control", 0, None, "Calls the function_def named by `properties.function` with the inputs as arguments; the value is its return value.",
        properties={"function": "name of the called function_def"}),
    # lists
    _op("list_new", "list", 0, None, "A new list of the inputs' values.", (S((A,), L, True),), lambda *xs: list(xs)),
    _op("list_append", "list", 2, 2, "Appends the second input to the list in place; the value is the list.", (S((L, A), L),), _list_append),
    _op("list_set", "list", 3, 3, "Sets element i of the list in place; the value is the list.", (S((L, N, A), L),), _list_set),
    _op("index", "list", 2, 2, "Element at an integer index of a list or string (negative counts from the end), or the value of a key of an object.", (S((L, N), A), S((STR, N), STR), S((O, STR), A)), _index),
    _op("len", "list", 1, 1, "Length of a list, string or object.", (S((L,), N), S((STR,), N), S((O,), N)), len),
    _op("concat", "list", 2, None, "Concatenation of strings, or of lists.", (S((STR, STR), STR, True), S((L, L), L, True)),
        lambda *xs: _seq("".join(xs) if isinstance(xs[0], str) else [y for x in xs for y in x]), linear=True),
    _op("slice", "list", 1, 3, "Elements from start (inclusive) to end (exclusive) of a list or string; null bounds mean the ends.", (S((L, A, A), L), S((STR, A, A), STR), S((L, A), L), S((STR, A), STR), S((L,), L), S((STR,), STR)), _slice, linear=True),
    _op("contains", "list", 2, 2, "Whether a list holds an element, a string a substring, or an object a key.", (S((L, A), B), S((STR, STR), B), S((O, STR), B)), _contains, linear=True),
    _op("index_of", "list", 2, 2, "First index of an element in a list or of a substring in a string; -1 when absent.", (S((L, A), N), S((STR, STR), N)), _index_of, linear=True),
    _op("reverse", "list", 1, 1, "A reversed copy of a list or string.", (S((L,), L), S((STR,), STR)), lambda x: x[::-1], linear=True),
    _op("sort", "list", 1, 1, "A sorted copy of a list of numbers or of strings.", (S((L,), L),), _sort, linear=True),
    _op("range", "list", 1, 3, "The list of integers range(stop), range(start, stop) or range(start, stop, step).", (S((N,), L), S((N, N), L), S((N, N, N), L)), _range, linear=True),
    # strings
    _op("upper", "string", 1, 1, "Upper-case copy.", (S((STR,), STR),), str.upper),
    _op("lower", "string", 1, 1, "Lower-case copy.", (S((STR,), STR),), str.lower),
    _op("strip", "string", 1, 1, "Copy without leading and trailing whitespace.", (S((STR,), STR),), str.strip),
    _op("split", "string", 1, 2, "Splits on a separator (default: runs of whitespace).", (S((STR,), L), S((STR, STR), L)), _split, linear=True),
    _op("join", "string", 1, 2, "Joins a list of strings with a separator (default empty).", (S((L,), STR), S((L, STR), STR)), _join, linear=True),
    _op("replace", "string", 3, 3, "Replaces every occurrence of a substring.", (S((STR, STR, STR), STR),), _replace, linear=True),
    _op("starts_with", "string", 2, 2, "Whether the string starts with a prefix.", (S((STR, STR), B),), str.startswith),
    _op("ends_with", "string", 2, 2, "Whether the string ends with a suffix.", (S((STR, STR), B),), str.endswith),
    _op("repeat", "string", 2, 2, "A string or list repeated n times.", (S((STR, N), STR), S((L, N), L)), _repeat, linear=True),
    _op("to_string", "string", 1, 1, "Text form of a value (numbers without a trailing .0 when integral).", (S((A,), STR),), _to_string),
    _op("to_int", "string", 1, 1, "Integer from a number (truncating) or a decimal string.", (S((N,), N), S((STR,), N)), _to_int),
    _op("to_float", "string", 1, 1, "Number from a number or a decimal string.", (S((N,), N), S((STR,), N)), _to_float),
    # objects (class instances are JSON objects)
    _op("object_new", "object", 0, None, "A new object from key, value input pairs.", (S((STR, A), O, True), S((), O)), _object_new),
    _op("get_field", "object", 2, 2, "Value of a field of an object.", (S((O, STR), A),), _get_field),
    _op("set_field", "object", 3, 3, "Sets a field of an object in place; the value is the object.", (S((O, STR, A), O),), _set_field),
]

OPS: dict[str, OpSpec] = {op.name: op for op in _TABLE}
LOOP_OPS = frozenset({"for_each", "while"})
CONTROL_EDGE_TYPES = ("control_flow", "true_branch", "false_branch", "loop_body")


def result_kind(spec: OpSpec, operand_kinds: list[str]) -> str:
    """Static result kind given operand kinds ('any' when it cannot be told)."""
    matching = [s for s in spec.signatures if s.accepts(operand_kinds)]
    results = {s.result for s in matching}
    if spec.name in ("index", "min", "max") and operand_kinds and base_kind(operand_kinds[0]) == "list":
        return element_kind(operand_kinds[0])
    if spec.name in ("list_append", "list_set", "sort", "reverse", "slice", "concat") and operand_kinds and base_kind(operand_kinds[0]) == "list":
        return operand_kinds[0]
    if len(results) == 1:
        return results.pop()
    return "any"


def element_kind(kind: str) -> str:
    """'list<number>' -> 'number'; 'string' -> 'string' (characters); else 'any'."""
    if kind.startswith("list<") and kind.endswith(">"):
        return kind[5:-1]
    if kind == "string":
        return "string"
    return "any"
