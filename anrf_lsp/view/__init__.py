"""Human-readable views of an ANRF document: pseudocode of the execution layer,
and an outline of the three layers.

Both are plain functions returning text. They never raise on broken documents:
dangling ids, cycles and missing edges are bounded by visited sets and shown
as `# ...` comments where the graph cannot be structured.
"""

from __future__ import annotations

import json
import textwrap
from collections import deque
from collections.abc import Callable
from typing import Any

from anrf_lsp.execution.graph import ExecGraph, Function, build_graph, control_successors
from anrf_lsp.execution.ops import ATOM_PRECEDENCE, INFIX, LOOP_OPS
from anrf_lsp.format.model import Anrf, ExecNode

INDENT = "    "
MAX_NESTING = 64  # deeper blocks are cut off with a comment (also bounds Python recursion)
MAX_EXPR_DEPTH = 24  # deeper expressions are shown as `...`
MAX_TEXT = 48  # longest property value shown in the structure view
WIDTH = 96  # the structure view folds longer lines

_LEAVING = ("return", "break", "continue")  # statements after which control never falls through
_IDENT_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


# -- pseudocode ----------------------------------------------------------------


def render_pseudocode(model: Anrf) -> str:
    """Python-like pseudocode for every function of the execution layer."""
    try:
        return _render_pseudocode(model)
    except Exception as exc:  # noqa: BLE001 - a view must never take the caller down
        return f"# cannot render pseudocode: {type(exc).__name__}: {exc}\n"


def _render_pseudocode(model: Anrf) -> str:
    layer = model.execution
    if layer.format != "graph":
        return f"# execution format '{layer.format}' has no graph to render\n"
    graph = build_graph(layer)
    if not graph.entries:
        return "# no function_def node in the execution layer\n"
    out: list[str] = []
    if model.intent.intent_type == "class":
        classes = [n.label or n.node_id for n in model.semantic.nodes if n.node_type == "class"]
        if classes:
            out.append(f"# class {', '.join(classes)}")
            out.append("")
    used = used_as_operand(graph)
    for i, fn in enumerate(graph.entries):
        if i:
            out.append("")
        out.extend(FunctionRenderer(graph, fn, used).render())
    return "\n".join(out) + "\n"


def used_as_operand(graph: ExecGraph) -> set[str]:
    """Nodes whose value some other node reads (end_loop inputs and extra loop inputs are ignored at run time)."""
    used: set[str] = set()
    for node in graph.nodes.values():
        if node.operation == "end_loop":
            continue
        refs = node.inputs[:1] if node.operation in LOOP_OPS else node.inputs
        used.update(refs)
    return used


def _literal_text(raw: Any) -> str:
    """A `value` / `initial_value` property as a JSON literal."""
    if raw is None:
        return "null"
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw  # not JSON: plain text, as the interpreter reads it
    else:
        value = raw
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


class FunctionRenderer:
    def __init__(self, graph: ExecGraph, fn: Function, used: set[str]):
        self.g = graph
        self.fn = fn
        self.used = used
        self.lines: list[str] = []
        self.emitted: set[str] = set()
        self.temps: dict[str, str] = {}  # statement id -> t1, t2, ...
        self.lazy_vars: dict[str, None] = {}  # variable_defs read but never declared on the chain
        self.on_chain = set(fn.statements)
        # Steps all join searches of this function may take together: keeps adversarial graphs
        # (long chains of guard clauses) linear; when spent, branches render without a join.
        self.search_budget = 8 * len(graph.nodes) + 10_000
        self._indegree: dict[str, int] | None = None

    @staticmethod
    def literal(raw: Any) -> str:
        """A `value` / `initial_value` property as a literal of this dialect."""
        return _literal_text(raw)

    def anomaly(self, text: str) -> str:
        """Where the graph cannot be shown as structured code: the view shows `text`
        (a `# ...` comment or a `<...>` placeholder); a strict dialect raises instead."""
        return text

    # -- names and expressions --

    def _node(self, node_id: str) -> ExecNode | None:
        return self.g.nodes.get(node_id)

    @staticmethod
    def _prop(node: ExecNode, key: str) -> str:
        value = node.properties.get(key)
        return str(value) if value not in (None, "") else ""

    def _var_name(self, node: ExecNode) -> str:
        """The name of a parameter, variable or loop variable (a for_each node)."""
        if node.operation == "variable_def" and node.node_id not in self.on_chain:
            self.lazy_vars.setdefault(node.node_id, None)
        return self._prop(node, "iterator" if node.operation == "for_each" else "name") or node.node_id

    def _assign_targets(self, node: ExecNode) -> list[str]:
        """Variables (or parameters) a statement's value is assigned to."""
        if node.operation == "assign" and len(node.inputs) == 2:
            return [node.inputs[0]]
        out = []
        for t in node.outputs:
            target = self._node(t)
            if target is not None and target.operation in ("variable_def", "parameter"):
                out.append(t)
        return out

    def _temp(self, node_id: str) -> str:
        if node_id not in self.temps:
            self.temps[node_id] = f"t{len(self.temps) + 1}"
        return self.temps[node_id]

    def expr(self, node_id: str, depth: int = 0, path: frozenset[str] = frozenset()) -> tuple[str, int]:
        """(text, precedence) of a node used as an operand."""
        node = self._node(node_id)
        if node is None:
            return self.anomaly(f"<missing {node_id}>"), ATOM_PRECEDENCE
        op = node.operation
        if op in ("parameter", "variable_def"):
            return self._var_name(node), ATOM_PRECEDENCE
        if op == "for_each":
            return self._var_name(node), ATOM_PRECEDENCE
        if op in ("function_def", "while", "if", "end_loop", "break", "continue", "return"):
            return self.anomaly(f"<{op} {node_id}>"), ATOM_PRECEDENCE
        if node_id in path:
            return self.anomaly(f"<cycle at {node_id}>"), ATOM_PRECEDENCE
        if node_id in self.g.owner:  # a statement: its variable, or a temporary
            targets = self._assign_targets(node)
            if targets:  # (an assign whose target is itself would otherwise recurse forever)
                return self.expr(targets[0], depth + 1, path | {node_id})
            return self._temp(node_id), ATOM_PRECEDENCE
        if depth > MAX_EXPR_DEPTH:
            return self.anomaly("..."), ATOM_PRECEDENCE
        return self.op_expr(node, depth + 1, path | {node_id})

    def _sub(self, node_id: str, depth: int, path: frozenset[str], min_prec: int) -> str:
        text, prec = self.expr(node_id, depth, path)
        return f"({text})" if prec < min_prec else text

    def operands(self, node: ExecNode, depth: int, path: frozenset[str]) -> tuple[Callable[..., str], Callable[[], str]]:
        """`arg(i, min_prec)` (input i, parenthesized below min_prec) and `args()` (all inputs, comma-separated)."""

        def arg(i: int, min_prec: int = 0) -> str:
            return self._sub(node.inputs[i], depth, path, min_prec)

        def args() -> str:
            return ", ".join(arg(i) for i in range(len(node.inputs)))

        return arg, args

    def op_expr(self, node: ExecNode, depth: int = 0, path: frozenset[str] = frozenset()) -> tuple[str, int]:
        """(text, precedence) of a node's operation applied to its inputs."""
        op, ins = node.operation, node.inputs
        arg, args = self.operands(node, depth, path)

        if op == "constant":
            return self.literal(node.properties.get("value")), ATOM_PRECEDENCE
        if op in INFIX and len(ins) >= 2:
            symbol, prec = INFIX[op]
            if op in ("and", "or"):
                return f" {symbol} ".join(arg(i, prec + 1) for i in range(len(ins))), prec
            if len(ins) == 2:
                if op == "pow":  # right-associative
                    return f"{arg(0, prec + 1)} ** {arg(1, prec)}", prec
                right = prec + 1
                left = prec + 1 if prec == 4 else prec  # comparisons do not chain
                return f"{arg(0, left)} {symbol} {arg(1, right)}", prec
        if op == "neg" and len(ins) == 1:
            return f"-{arg(0, 8)}", 8
        if op == "not" and len(ins) == 1:
            return f"not {arg(0, 3)}", 3
        if op == "index" and len(ins) == 2:
            return f"{arg(0, ATOM_PRECEDENCE)}[{arg(1)}]", ATOM_PRECEDENCE
        if op == "get_field" and len(ins) == 2:
            key = self._constant_identifier(ins[1])
            if key:
                return f"{arg(0, ATOM_PRECEDENCE)}.{key}", ATOM_PRECEDENCE
            return f"{arg(0, ATOM_PRECEDENCE)}[{arg(1)}]", ATOM_PRECEDENCE
        if op == "assign" and ins:
            return self.expr(ins[-1], depth, path)
        if op == "list_new":
            return f"[{args()}]", ATOM_PRECEDENCE
        if op == "object_new" and len(ins) % 2 == 0:
            pairs = ", ".join(f"{arg(i)}: {arg(i + 1)}" for i in range(0, len(ins), 2))
            return "{" + pairs + "}", ATOM_PRECEDENCE
        if op == "call":
            name = self._prop(node, "function") or self.anomaly("<unknown function>")
            return f"{name}({args()})", ATOM_PRECEDENCE
        return f"{op or self.anomaly('<no operation>')}({args()})", ATOM_PRECEDENCE

    def _constant_identifier(self, node_id: str) -> str:
        """The text of a constant string input when it is a plain identifier, else ''."""
        node = self._node(node_id)
        if node is None or node.operation != "constant":
            return ""
        raw = node.properties.get("value")
        try:
            value = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            value = raw
        if isinstance(value, str) and value and not value[0].isdigit() and set(value) <= _IDENT_CHARS:
            return value
        return ""

    def _operand_text(self, node: ExecNode, what: str) -> str:
        if not node.inputs:
            return self.anomaly(f"<no {what}>")
        return self.expr(node.inputs[0])[0]

    # -- statements --

    def emit(self, indent: int, text: str) -> None:
        self.lines.append(INDENT * indent + text)

    def header(self) -> list[str]:
        params = []
        for p in self.fn.params:
            node = self._node(p)
            params.append(self._prop(node, "name") if node is not None and self._prop(node, "name") else p)
        return [f"function {self.fn.name}({', '.join(params)}):"]

    def render(self) -> list[str]:
        self.emitted.add(self.fn.entry)
        start = self.g.next(self.fn.entry)
        extra = control_successors(self.g, self.fn.entry)[1:]
        if extra:
            self.emit(1, self.anomaly(f"# extra control successors of the function_def ignored: {', '.join(extra)}"))
        self.block(start, frozenset(), None, 1)
        if not any(line.strip() and not line.strip().startswith("#") for line in self.lines):
            self.emit(1, "pass")
        declared = [
            INDENT + f"{self._var_name(self.g.nodes[v])} = {self.literal(self.g.nodes[v].properties.get('initial_value'))}"
            "  # declared off the control chain"
            for v in self.lazy_vars
        ]
        return [*self.header(), *declared, *self.lines]

    def block(self, node_id: str | None, stop: frozenset[str], loop: str | None, indent: int) -> None:
        """Render the chain from `node_id` until a node in `stop`, an end_loop, or a terminal."""
        if indent > MAX_NESTING:
            self.emit(indent, self.anomaly("# ... nested too deeply to show"))
            return
        while node_id is not None:
            if node_id in stop:
                return
            node = self.g.nodes[node_id]
            op = node.operation
            if op == "end_loop":
                if loop is not None:
                    return  # closes the block; the loop renders what follows it
                if node_id in self.emitted:
                    return
                self.emitted.add(node_id)
                self.emit(indent, self.anomaly(f"# end_loop {node_id} outside any loop"))
                node_id = self.g.next(node_id)
                continue
            if node_id in self.emitted:
                self.emit(indent, self.anomaly(f"# ... control continues at {node_id} (shown above)"))
                return
            self.emitted.add(node_id)
            if op == "if":
                node_id = self.render_if(node, stop, loop, indent, "if")
            elif op in LOOP_OPS:
                node_id = self.render_loop(node, stop, indent)
            elif op in ("return", "break", "continue"):
                if op == "return":
                    self.emit(indent, f"return {self.expr(node.inputs[0])[0]}" if node.inputs else "return")
                elif loop is None:
                    self.emit(indent, self.anomaly(f"{op}  # outside any loop"))
                else:
                    self.emit(indent, op)
                return
            else:
                self.render_simple(node, indent)
                node_id = self._next_simple(node_id, indent)

    def _next_simple(self, node_id: str, indent: int) -> str | None:
        targets = self.g.succ.get(node_id, {})
        flow = targets.get("control_flow", [])
        others = [t for etype, ts in targets.items() if etype != "control_flow" for t in ts]
        if len(flow) > 1 or others:
            ignored = ", ".join(flow[1:] + others)
            self.emit(indent, self.anomaly(f"# ... extra control successors of {node_id} ignored: {ignored}"))
        return flow[0] if flow else None

    def render_simple(self, node: ExecNode, indent: int) -> None:
        op = node.operation
        if op == "function_def":
            self.emit(indent, self.anomaly(f"# function_def {node.node_id} reached as a statement"))
            return
        if op == "parameter":
            return  # parameters are shown in the header
        if op == "variable_def":
            value = self.expr(node.inputs[0])[0] if node.inputs else self.literal(node.properties.get("initial_value"))
            self.emit(indent, f"{self._var_name(node)} = {value}")
            return
        targets = self._assign_targets(node)
        if op == "set_field" and len(node.inputs) == 3 and not targets:
            key = self._constant_identifier(node.inputs[1])
            obj = self._sub(node.inputs[0], 0, frozenset(), ATOM_PRECEDENCE)
            lhs = f"{obj}.{key}" if key else f"{obj}[{self.expr(node.inputs[1])[0]}]"
            self.emit(indent, f"{lhs} = {self.expr(node.inputs[2])[0]}")
            return
        text = self.op_expr(node, 0, frozenset({node.node_id}))[0]
        if targets:
            names = " = ".join(self.expr(t)[0] for t in targets)
            self.emit(indent, f"{names} = {text}")
        elif node.node_id in self.used:
            self.emit(indent, f"{self._temp(node.node_id)} = {text}")
        else:
            self.emit(indent, text)

    def render_loop(self, node: ExecNode, stop: frozenset[str], indent: int) -> str | None:
        loop_id = node.node_id
        if node.operation == "for_each":
            self.emit(indent, f"for {self._var_name(node)} in {self.iterable(node)}:")
        else:
            self.emit(indent, f"while {self._operand_text(node, 'condition')}:")
        body = self.g.next(loop_id, "loop_body")
        before = len(self.lines)
        if body is None:
            self.emit(indent + 1, self.anomaly("# ... no loop_body edge"))
        else:
            self.block(body, stop | {loop_id}, loop_id, indent + 1)
        if not self._has_code(before):
            self.emit(indent + 1, "pass")
        if body is not None and not self.g.loop_ends.get(loop_id):
            self.emit(indent + 1, self.anomaly("# ... no end_loop closes this loop"))
        return self.g.loop_exit(loop_id)

    def iterable(self, loop: ExecNode) -> str:
        return self._operand_text(loop, "iterable")

    def _has_code(self, since: int) -> bool:
        return any(not line.strip().startswith("#") for line in self.lines[since:])

    def render_if(self, node: ExecNode, stop: frozenset[str], loop: str | None, indent: int, keyword: str) -> str | None:
        """Render an if (or elif) statement; returns where control continues after it."""
        after = self.g.next(node.node_id)
        true_start = self.g.next(node.node_id, "true_branch") or after
        false_start = self.g.next(node.node_id, "false_branch") or after
        join = self.find_join(true_start, false_start, stop | {node.node_id})
        inner_stop = stop | {join} if join is not None else stop
        self.emit(indent, f"{keyword} {self._operand_text(node, 'condition')}:")
        before = len(self.lines)
        self.block(true_start, inner_stop, loop, indent + 1)
        if not self._has_code(before):
            self.emit(indent + 1, "pass")
        if false_start is None or false_start == join:
            return join
        if join is None and self.g.next(node.node_id, "false_branch") is None and self._always_leaves(true_start, stop):
            return false_start  # a guard clause: the code after the if is the false path
        false_node = self.g.nodes[false_start]
        if (
            false_node.operation == "if"
            and false_start not in self.emitted
            and false_start not in inner_stop
            and self.find_join(*self._branches(false_start), inner_stop | {false_start}) == join
        ):
            self.emitted.add(false_start)
            self.render_if(false_node, stop, loop, indent, "elif")
            return join
        self.emit(indent, "else:")
        before = len(self.lines)
        self.block(false_start, inner_stop, loop, indent + 1)
        if len(self.lines) == before:  # e.g. the false branch goes straight to the loop's end
            self.lines.pop()
        elif not self._has_code(before):
            self.emit(indent + 1, "pass")
        return join

    def _always_leaves(self, start: str | None, stop: frozenset[str]) -> bool:
        """Whether every path from `start` ends in return, break or continue (never falls through)."""
        if start is None:
            return False
        seen, queue = {start}, deque([start])
        while queue:
            self.search_budget -= 1
            if self.search_budget < 0:
                return False
            node_id = queue.popleft()
            op = self.g.nodes[node_id].operation
            if op in _LEAVING:
                continue
            targets = self._structured_successors(node_id)
            if node_id in stop or not targets:
                return False
            for t in targets:
                if t not in seen:
                    seen.add(t)
                    queue.append(t)
        return True

    def _branches(self, if_id: str) -> tuple[str | None, str | None]:
        after = self.g.next(if_id)
        return self.g.next(if_id, "true_branch") or after, self.g.next(if_id, "false_branch") or after

    def _structured_successors(self, node_id: str) -> list[str]:
        """Successors used to find where branches meet: loops are stepped over, terminals end a chain."""
        node = self.g.nodes[node_id]
        op = node.operation
        if op in ("end_loop", "return", "break", "continue"):
            return []
        if op in LOOP_OPS:
            exit_ = self.g.loop_exit(node_id)
            return [exit_] if exit_ is not None else []
        if op == "if":
            return [t for t in self._branches(node_id) if t is not None]
        return control_successors(self.g, node_id)

    def _reached_once(self, node_id: str) -> bool:
        """Whether at most one control edge leads to `node_id` (counted once per renderer)."""
        if self._indegree is None:
            self._indegree = {}
            for targets in self.g.succ.values():
                for ts in targets.values():
                    for t in ts:
                        self._indegree[t] = self._indegree.get(t, 0) + 1
        return self._indegree.get(node_id, 0) <= 1

    def find_join(self, a: str | None, b: str | None, stop: frozenset[str]) -> str | None:
        """Where two branch chains meet: walks both in lockstep, first node seen by both wins."""
        if a is None or b is None:
            return None
        if a == b:
            return a
        seen: tuple[set[str], set[str]] = ({a}, {b})
        queues = (deque([a]), deque([b]))
        while queues[0] or queues[1]:
            for side in (0, 1):
                if not queues[side]:
                    continue
                self.search_budget -= 1
                if self.search_budget < 0:
                    return None
                node_id = queues[side].popleft()
                if node_id in seen[1 - side]:
                    return node_id
                if node_id in stop:
                    continue
                for t in self._structured_successors(node_id):
                    if t in seen[1 - side]:
                        return t
                    if t not in seen[side]:
                        seen[side].add(t)
                        queues[side].append(t)
                if not queues[side] and all(self.g.nodes[n].operation in _LEAVING and self._reached_once(n) for n in seen[side]):
                    return None  # this branch only leaves (return/break/continue) and nothing else gets there: nothing to rejoin
        return None


# -- structure outline ---------------------------------------------------------

_TREE_EDGES = ("has_parameter", "declares", "contains", "has_member")


def render_structure(model: Anrf) -> str:
    """An outline of the three layers and the metadata."""
    try:
        return _render_structure(model)
    except Exception as exc:  # noqa: BLE001 - a view must never take the caller down
        return f"# cannot render structure: {type(exc).__name__}: {exc}\n"


def _short(value: Any, limit: int = MAX_TEXT) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _props(props: dict[str, Any], skip: tuple[str, ...] = ()) -> str:
    return ", ".join(f"{k}={_short(v, 32)}" for k, v in props.items() if k not in skip)


def _render_structure(model: Anrf) -> str:
    out: list[str] = [f"ANRF {model.anrf_id or '<no anrf_id>'} ({model.version or 'no version'})", ""]
    out += _intent_lines(model)
    out.append("")
    out += _semantic_lines(model)
    out.append("")
    out += _execution_lines(model)
    if model.metadata:
        out.append("")
        out.append("Metadata")
        out += [f"  {k}: {_short(v, 72)}" for k, v in model.metadata.items()]
    return "\n".join(wrapped for line in out for wrapped in _wrap(line)) + "\n"


def _wrap(line: str) -> list[str]:
    """Fold a long line at spaces; continuation lines are indented under it."""
    if len(line) <= WIDTH:
        return [line]
    lead = " " * (len(line) - len(line.lstrip()) + 4)
    return textwrap.wrap(line, WIDTH, subsequent_indent=lead, break_long_words=False, break_on_hyphens=False) or [line]


def _intent_lines(model: Anrf) -> list[str]:
    intent = model.intent
    out = [f"Intent: {intent.intent_type or '<no intent_type>'}"]
    out.append(f"  {_short(intent.description, 400)}" if intent.description else "  <no description>")
    if intent.constraints:
        out.append("  constraints:")
        for c in intent.constraints:
            spec = f"  [{_short(c.formal_spec, 30)}]" if c.formal_spec else ""
            out.append(f"    - {c.type or '?'}: {_short(c.description, 400)}{spec}")
    if intent.tags:
        out.append(f"  tags: {', '.join(intent.tags)}")
    if intent.properties:
        out.append(f"  properties: {_props(intent.properties)}")
    return out


def _semantic_lines(model: Anrf) -> list[str]:
    sem = model.semantic
    out = [f"Semantic ({len(sem.nodes)} nodes, {len(sem.edges)} edges, {len(sem.types)} types)"]
    nodes: dict[str, Any] = {}
    for node in sem.nodes:
        nodes.setdefault(node.node_id, node)
    type_names = {}
    for t in sem.types:
        type_names.setdefault(t.type_id, t.name or t.type_id)

    def type_name(type_id: Any) -> str:
        return type_names.get(str(type_id), f"?{type_id}")

    children: dict[str, list[str]] = {}
    parent: dict[str, str] = {}
    for e in sem.edges:
        ends_known = e.source_id in nodes and e.target_id in nodes and e.source_id != e.target_id
        if e.edge_type in _TREE_EDGES and ends_known and e.target_id not in parent:
            parent[e.target_id] = e.source_id
            children.setdefault(e.source_id, []).append(e.target_id)

    def line(node: Any, depth: int) -> str:
        props = node.properties
        text = f"{node.node_type or '?'} {node.label or '<no label>'}"
        if props.get("type"):
            text += f": {type_name(props['type'])}"
        if props.get("return_type"):
            text += f" -> {type_name(props['return_type'])}"
        text += f"  [{node.node_id}]"
        if node.execution_refs:
            text += f"  exec: {', '.join(node.execution_refs)}"
        return "  " * (depth + 1) + text

    shown: set[str] = set()
    roots = [n for n in nodes if n not in parent]
    # Nodes whose every ancestor chain is a cycle have no root; show them at the top level too.
    for start in roots + [n for n in nodes if n in parent]:
        if start in shown:
            continue
        stack = [(start, 0)]
        while stack:
            node_id, depth = stack.pop()
            if node_id in shown:
                continue
            shown.add(node_id)
            out.append(line(nodes[node_id], min(depth, 12)))
            for child in reversed(children.get(node_id, [])):
                if child not in shown:
                    stack.append((child, depth + 1))

    relations = [e for e in sem.edges if e.edge_type not in _TREE_EDGES]
    if relations:
        out.append("  relations:")
        for e in relations:
            src = nodes[e.source_id].label if e.source_id in nodes else f"<missing {e.source_id}>"
            dst = nodes[e.target_id].label if e.target_id in nodes else f"<missing {e.target_id}>"
            out.append(f"    {src or e.source_id} -{e.edge_type or '?'}-> {dst or e.target_id}")
    if sem.types:
        out.append("  types:")
        for t in sem.types:
            text = f"    {t.type_id}  {t.name or '<no name>'}  {t.type_kind or '?'}"
            element = t.properties.get("element_type")
            if element:
                text += f" of {type_name(element)}"
            if t.parent_type:
                text += f" extends {type_name(t.parent_type)}"
            out.append(text)
            for f in t.fields:
                optional = "?" if f.optional else ""
                out.append(f"      .{f.name}{optional}: {type_name(f.type_id)}")
    if sem.symbol_table:
        out.append("  symbols: " + ", ".join(f"{k} -> {v}" for k, v in sem.symbol_table.items()))
    return out


def _exec_props(node: ExecNode) -> str:
    p = node.properties
    if node.operation == "constant":
        return _short(_literal_text(p.get("value")), 32) + (f" ({_props(p, ('value',))})" if len(p) > 1 else "")
    for key in ("name", "iterator", "function"):
        if p.get(key):
            rest = _props(p, (key,))
            return str(p[key]) + (f" ({rest})" if rest else "")
    return _props(p)


def _execution_lines(model: Anrf) -> list[str]:
    ex = model.execution
    out = [f"Execution ({ex.format}, {len(ex.nodes)} nodes, {len(ex.edges)} edges)"]
    if ex.nodes:
        id_width = min(max(len(n.node_id) for n in ex.nodes), 24)
        op_width = min(max(len(n.operation) for n in ex.nodes), 14)
        for n in ex.nodes:
            flow = ""
            if n.inputs or n.outputs:
                flow = f"({', '.join(n.inputs)}) -> {', '.join(n.outputs) or '-'}"
            props = _exec_props(n)
            text = f"  {n.node_id:<{id_width}}  {n.operation:<{op_width}}  {props}"
            if flow:
                text = f"{text}  {flow}" if props else f"{text}{flow}"
            out.append(text.rstrip())
    if ex.edges:
        out.append("  edges:")
        for e in ex.edges:
            out.append(f"    {e.source_id} -{e.edge_type or '?'}-> {e.target_id}")
    if ex.code:
        out.append(f"  code: {len(ex.code)} base64 characters")
    if ex.properties:
        out.append(f"  properties: {_props(ex.properties)}")
    return out
