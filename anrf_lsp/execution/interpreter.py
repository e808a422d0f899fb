"""Interpreter for the v1 graph execution layer (semantics: docs/execution.md).

Bounded by design: a step limit (statements, expression nodes and loop
iterations all count), a call-depth limit, an expression-depth limit, and size
limits inside the operations. No Python `eval` anywhere: every operation is a
function in the op table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from anrf_lsp.format.model import Anrf

from .graph import ExecGraph, Function, build_graph
from .ops import LOOP_OPS, OPS, OpError, json_repr, kind_of

DEFAULT_MAX_STEPS = 1_000_000
DEFAULT_MAX_CALL_DEPTH = 100
MAX_EXPRESSION_DEPTH = 200


class AnrfRuntimeError(Exception):
    """Execution failed; `node_id` says where (None when it is about the call itself)."""

    def __init__(self, message: str, node_id: str | None = None):
        self.node_id = node_id
        super().__init__(message if node_id is None else f"{message} (at execution node '{node_id}')")


class StepLimitExceeded(AnrfRuntimeError):
    pass


@dataclass
class Limits:
    max_steps: int = DEFAULT_MAX_STEPS
    max_call_depth: int = DEFAULT_MAX_CALL_DEPTH


@dataclass
class _Loop:
    node_id: str
    items: list[Any] | None  # None for while loops
    position: int = 0


@dataclass
class _Frame:
    fn: Function
    args: dict[str, Any]  # parameter node id -> value
    vars: dict[str, Any] = field(default_factory=dict)  # variable_def id -> value
    values: dict[str, Any] = field(default_factory=dict)  # statement id -> last value
    loops: list[_Loop] = field(default_factory=list)


class Interpreter:
    def __init__(self, doc: Anrf, limits: Limits | None = None, graph: ExecGraph | None = None):
        if doc.execution.format != "graph":
            raise AnrfRuntimeError(f"only the 'graph' execution format can be run, not '{doc.execution.format}'")
        self.graph = graph or build_graph(doc.execution)
        self.limits = limits or Limits()
        self.steps = 0
        self.depth = 0

    # -- public API ---------------------------------------------------------

    def function_names(self) -> list[str]:
        return [fn.name for fn in self.graph.entries]

    def resolve(self, name: str | None) -> Function:
        if name is None:
            if not self.graph.entries:
                raise AnrfRuntimeError("the document has no function_def node")
            if len(self.graph.functions) > 1:
                names = ", ".join(sorted(self.graph.functions))
                raise AnrfRuntimeError(f"the document defines several functions ({names}); choose one with --function")
            return self.graph.entries[0]
        fn = self.graph.functions.get(name)
        if fn is None:
            names = ", ".join(sorted(self.graph.functions)) or "none"
            raise AnrfRuntimeError(f"no function named '{name}' (defined: {names})")
        return fn

    def run(self, name: str | None, args: list[Any]) -> Any:
        fn = self.resolve(name)
        try:
            return self._call(fn, list(args), None)
        except RecursionError:
            raise AnrfRuntimeError("evaluation nested too deeply (Python stack exhausted)") from None

    # -- execution ----------------------------------------------------------

    def _tick(self, node_id: str | None) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise StepLimitExceeded(f"step limit of {self.limits.max_steps} exceeded (infinite loop?)", node_id)

    def _call(self, fn: Function, args: list[Any], call_site: str | None) -> Any:
        if len(args) != len(fn.params):
            raise AnrfRuntimeError(f"function '{fn.name}' takes {len(fn.params)} argument(s), got {len(args)}", call_site)
        if self.depth >= self.limits.max_call_depth:
            raise AnrfRuntimeError(f"call depth limit of {self.limits.max_call_depth} exceeded (unbounded recursion?)", call_site)
        self.depth += 1
        try:
            frame = _Frame(fn, dict(zip(fn.params, args)))
            return self._execute(frame)
        finally:
            self.depth -= 1

    def _execute(self, frame: _Frame) -> Any:
        g = self.graph
        pc = g.next(frame.fn.entry)
        while pc is not None:
            self._tick(pc)
            node = g.nodes[pc]
            op = node.operation
            if op == "if":
                cond = self._operand(frame, node, 0)
                if not isinstance(cond, bool):
                    raise AnrfRuntimeError(f"if condition must be a boolean, got {kind_of(cond)}", pc)
                branch = g.next(pc, "true_branch" if cond else "false_branch")
                pc = branch if branch is not None else g.next(pc)
            elif op in LOOP_OPS:
                pc = self._enter_loop(frame, pc)
            elif op in ("end_loop", "continue"):
                pc = self._next_iteration(frame, pc)
            elif op == "break":
                if not frame.loops:
                    raise AnrfRuntimeError("break outside a loop", pc)
                loop = frame.loops.pop()
                pc = g.loop_exit(loop.node_id)
            elif op == "return":
                return self._operand(frame, node, 0) if node.inputs else None
            elif op == "parameter" or op == "function_def":
                pc = g.next(pc)
            elif op == "variable_def":
                frame.vars[pc] = self._operand(frame, node, 0) if node.inputs else literal_value(node.properties.get("initial_value"))
                pc = g.next(pc)
            else:
                value = self._compute(frame, node, {}, 0)
                frame.values[pc] = value
                self._assign(frame, node, value)
                pc = g.next(pc)
        return None

    def _enter_loop(self, frame: _Frame, loop_id: str) -> str | None:
        node = self.graph.nodes[loop_id]
        if node.operation == "for_each":
            items = self._operand(frame, node, 0)
            if not isinstance(items, (list, str, dict)):
                raise AnrfRuntimeError(f"for_each needs a list or string, got {kind_of(items)}", loop_id)
            # characters of a string, keys of an object, or a snapshot of a list
            # (so appending inside the body cannot loop forever)
            items = list(items)
            frame.loops.append(_Loop(loop_id, items, -1))
        else:
            frame.loops.append(_Loop(loop_id, None))
        return self._next_iteration(frame, loop_id)

    def _next_iteration(self, frame: _Frame, at: str) -> str | None:
        if not frame.loops:
            raise AnrfRuntimeError("end_loop reached outside any loop", at)
        loop = frame.loops[-1]
        self._tick(loop.node_id)
        node = self.graph.nodes[loop.node_id]
        if loop.items is not None:
            loop.position += 1
            more = loop.position < len(loop.items)
            if more:
                frame.values[loop.node_id] = loop.items[loop.position]
        else:
            cond = self._operand(frame, node, 0)
            if not isinstance(cond, bool):
                raise AnrfRuntimeError(f"while condition must be a boolean, got {kind_of(cond)}", loop.node_id)
            more = cond
        if more:
            body = self.graph.next(loop.node_id, "loop_body")
            if body is None:
                raise AnrfRuntimeError("loop has no loop_body edge", loop.node_id)
            return body
        frame.loops.pop()
        frame.values.pop(loop.node_id, None)
        return self.graph.loop_exit(loop.node_id)

    def _assign(self, frame: _Frame, node: Any, value: Any) -> None:
        targets = [t for t in node.outputs if t in self.graph.nodes and self.graph.nodes[t].operation in ("variable_def", "parameter")]
        if node.operation == "assign" and len(node.inputs) == 2:
            targets = [node.inputs[0]]
        for t in targets:
            if self.graph.nodes[t].operation == "parameter":
                frame.args[t] = value
            else:
                frame.vars[t] = value

    # -- expressions --------------------------------------------------------

    def _operand(self, frame: _Frame, node: Any, position: int) -> Any:
        if position >= len(node.inputs):
            raise AnrfRuntimeError(f"{node.operation} needs an input at position {position}", node.node_id)
        return self._value(frame, node.inputs[position], {}, 0)

    def _value(self, frame: _Frame, node_id: str, memo: dict[str, Any], depth: int) -> Any:
        """Current value of a node used as an operand."""
        g = self.graph
        node = g.nodes.get(node_id)
        if node is None:
            raise AnrfRuntimeError(f"reference to missing execution node '{node_id}'")
        op = node.operation
        if op == "parameter":
            if node_id not in frame.args:
                raise AnrfRuntimeError(f"parameter '{node_id}' does not belong to function '{frame.fn.name}'", node_id)
            return frame.args[node_id]
        if op == "variable_def":
            if node_id not in frame.vars:  # declared off the control chain: initialised on first use
                frame.vars[node_id] = literal_value(node.properties.get("initial_value"))
            return frame.vars[node_id]
        if op in LOOP_OPS:
            if node_id not in frame.values:
                raise AnrfRuntimeError(f"loop value of '{node_id}' used outside its loop", node_id)
            return frame.values[node_id]
        if node_id in g.owner:  # a statement: its last computed value
            if node_id not in frame.values:
                raise AnrfRuntimeError(f"value of statement '{node_id}' used before it ran", node_id)
            return frame.values[node_id]
        if node_id in memo:
            return memo[node_id]
        if depth > MAX_EXPRESSION_DEPTH:
            raise AnrfRuntimeError(f"expression nested deeper than {MAX_EXPRESSION_DEPTH} levels (or cyclic)", node_id)
        self._tick(node_id)
        value = self._compute(frame, node, memo, depth + 1)
        memo[node_id] = value
        return value

    def _compute(self, frame: _Frame, node: Any, memo: dict[str, Any], depth: int) -> Any:
        """Apply a node's operation to its inputs."""
        op = node.operation
        nid = node.node_id
        spec = OPS.get(op)
        if spec is None:
            raise AnrfRuntimeError(f"unknown operation '{op}'", nid)
        if op == "constant":
            return literal_value(node.properties.get("value"))
        if spec.statement_only or op in ("function_def", "parameter", "variable_def"):
            raise AnrfRuntimeError(f"'{op}' cannot be used as a value", nid)
        n = len(node.inputs)
        if n < spec.min_inputs or (spec.max_inputs is not None and n > spec.max_inputs):
            raise AnrfRuntimeError(f"'{op}' takes {spec.arity_text()} input(s), got {n}", nid)
        if op in ("and", "or"):
            want = op == "or"
            for ref in node.inputs:
                v = self._value(frame, ref, memo, depth)
                if not isinstance(v, bool):
                    raise AnrfRuntimeError(f"'{op}' needs booleans, got {kind_of(v)}", nid)
                if v is want:
                    return want
            return not want
        args = [self._value(frame, ref, memo, depth) for ref in node.inputs]
        if op == "assign":
            return args[-1]
        if op == "call":
            name = node.properties.get("function")
            callee = self.graph.functions.get(str(name)) if name is not None else None
            if callee is None:
                raise AnrfRuntimeError(f"call to unknown function {json_repr(name)}", nid)
            return self._call(callee, args, nid)
        kinds = [kind_of(a) for a in args]
        if spec.signatures and not any(sig.accepts(kinds) for sig in spec.signatures):
            expected = " or ".join(sig.render() for sig in spec.signatures)
            raise AnrfRuntimeError(f"'{op}' cannot take ({', '.join(kinds)}); expected {expected}", nid)
        assert spec.impl is not None, op
        try:
            return spec.impl(*args)
        except OpError as exc:
            raise AnrfRuntimeError(f"{op}: {exc}", nid) from None
        except (TypeError, ValueError, OverflowError) as exc:
            raise AnrfRuntimeError(f"{op}: {exc}", nid) from None


def _no_constants(name: str) -> Any:
    raise ValueError(name)


def literal_value(raw: Any) -> Any:
    """A `value`/`initial_value` property: JSON literal text, or already a JSON value (the one reading of
    literals: the interpreter's, and the Python export's)."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        return json.loads(json.dumps(raw))  # fresh copy, so in-place list ops never alter the document
    try:
        return json.loads(raw, parse_constant=_no_constants)
    except ValueError:
        return raw  # not JSON: plain text


def run_function(doc: Anrf, args: list[Any], function: str | None = None, limits: Limits | None = None) -> Any:
    """Run one function of `doc` on positional JSON arguments and return its JSON result."""
    return Interpreter(doc, limits).run(function, args)
