"""Control-flow analysis of a graph execution layer, shared by the interpreter,
the checkers and the pseudocode view.

Built defensively: documents under check may have dangling edges, duplicate ids,
several successors or cycles, and analysis must still finish in linear-ish time.
Nothing here recurses on document structure.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import attrgetter, contains, eq
from typing import Any

from anrf_lsp.format.model import ExecNode, ExecutionLayer

from .ops import CONTROL_EDGE_TYPES, LOOP_OPS

_CONTROL = frozenset(CONTROL_EDGE_TYPES)

# Reads one field of every object of a model list: `column(layer.nodes, "node_id")`.
ColumnReader = Callable[[Sequence[Any], str], list[Any]]


def read_column(items: Sequence[Any], name: str) -> list[Any]:
    return list(map(attrgetter(name), items))


def first_index(ids: Sequence[str]) -> dict[str, int]:
    """id -> index of its first occurrence, in document order."""
    index = dict(zip(ids, range(len(ids))))
    if len(index) != len(ids):  # duplicates: the plain dict kept the last occurrence
        index = {}
        for i, ident in enumerate(ids):
            index.setdefault(ident, i)
    return index


@dataclass(slots=True)
class Function:
    entry: str  # function_def node id
    name: str
    params: list[str]  # parameter node ids, in order
    statements: list[str] = field(default_factory=list)  # control-reachable nodes, discovery order


@dataclass(slots=True)
class ExecGraph:
    nodes: dict[str, ExecNode]  # first occurrence of each id wins
    index: dict[str, int]  # node id -> index in execution.nodes
    succ: dict[str, dict[str, list[str]]]  # node -> edge type -> targets (existing nodes only)
    functions: dict[str, Function]  # by name; first definition wins
    entries: list[Function]  # every function_def, in document order
    owner: dict[str, str]  # statement -> entry (function_def id) that reaches it first
    loop_ends: dict[str, list[str]]  # loop node -> end_loop nodes that close it
    end_owner: dict[str, str]  # end_loop -> loop it closes
    enclosing: dict[str, str]  # statement -> innermost enclosing loop
    loop_nodes: frozenset[str] = frozenset()  # the for_each and while nodes
    layer_nodes: list[ExecNode] = field(default_factory=list)  # execution.nodes (positions as in `index`)
    reader: ColumnReader = read_column

    def column(self, name: str) -> list[Any]:
        """Field `name` of every execution node, by position: cheaper to scan than the node objects
        when the graph was built with a caching reader (the checkers')."""
        return self.reader(self.layer_nodes, name)

    def next(self, node_id: str, edge_type: str = "control_flow") -> str | None:
        targets = self.succ.get(node_id, {}).get(edge_type)
        return targets[0] if targets else None

    @property
    def statements(self) -> set[str]:
        return set(self.owner)

    def loop_exit(self, loop_id: str) -> str | None:
        """Where control goes when a loop is done: its end_loop's control_flow
        successor (not counting an explicit back edge to the loop), else the
        loop's own control_flow successor."""
        for end in self.loop_ends.get(loop_id, ()):
            for target in self.succ.get(end, {}).get("control_flow", ()):
                if target != loop_id:
                    return target
        return self.next(loop_id)

    def loop_depth(self, node_id: str) -> int:
        depth, seen = 0, set()
        current = self.enclosing.get(node_id)
        while current is not None and current not in seen:
            seen.add(current)
            depth += 1
            current = self.enclosing.get(current)
        return depth

    def function_of(self, node_id: str) -> Function | None:
        entry = self.owner.get(node_id)
        if entry is None:
            return None
        for fn in self.entries:
            if fn.entry == entry:
                return fn
        return None


def control_successors(graph: ExecGraph, node_id: str) -> list[str]:
    by_type = graph.succ.get(node_id)
    if not by_type:
        return []
    if len(by_type) == 1:
        return next(iter(by_type.values()))
    return [t for targets in by_type.values() for t in targets]


def build_graph(layer: ExecutionLayer, column: ColumnReader = read_column) -> ExecGraph:
    """The graph of `layer`. `column` reads node and edge fields; the checkers pass the
    reader of their per-document cache, so building the graph costs no extra pass over the model."""
    node_list, edges = layer.nodes, layer.edges
    index = first_index(column(node_list, "node_id"))
    nodes: dict[str, ExecNode] = dict(zip(index, map(node_list.__getitem__, index.values())))
    ops = column(node_list, "operation")
    first_ops = list(map(ops.__getitem__, index.values()))  # operation of each node in `nodes`
    succ: dict[str, dict[str, list[str]]] = {}
    control = _CONTROL
    for etype, src, dst in zip(column(edges, "edge_type"), column(edges, "source_id"), column(edges, "target_id")):
        if etype in control and src in nodes and dst in nodes:
            by_type = succ.get(src)
            if by_type is None:
                succ[src] = {etype: [dst]}
            elif etype in by_type:
                by_type[etype].append(dst)
            else:
                by_type[etype] = [dst]

    loop_nodes = frozenset(compress(nodes, map(contains, repeat(LOOP_OPS), first_ops)))
    graph = ExecGraph(nodes, index, succ, {}, [], {}, {}, {}, {}, loop_nodes, node_list, column)
    for node in compress(nodes.values(), map(eq, first_ops, repeat("function_def"))):
        name = str(node.properties.get("name", "") or node.node_id)
        params = [p for p in node.inputs if p in nodes and nodes[p].operation == "parameter"]
        fn = Function(node.node_id, name, params)
        graph.entries.append(fn)
        graph.functions.setdefault(name, fn)
    for fn in graph.entries:
        _walk_function(graph, fn)
    # Innermost loops first: a function's walk meets outer loops before the loops they contain.
    budget = [32 * len(nodes) + 1024]
    end_loops = frozenset(compress(nodes, map(eq, first_ops, repeat("end_loop"))))
    for loop_id in reversed([n for n in graph.owner if n in loop_nodes]):
        _pair_loop(graph, loop_id, budget, end_loops)
    return graph


def _walk_function(graph: ExecGraph, fn: Function) -> None:
    seen = {fn.entry}
    queue = deque([fn.entry])
    owner, statements, entry, succ = graph.owner, fn.statements, fn.entry, graph.succ
    while queue:
        node_id = queue.popleft()
        statements.append(node_id)
        if node_id not in owner:
            owner[node_id] = entry
        by_type = succ.get(node_id)
        if by_type:  # control_successors, inlined: this runs once per statement
            for targets in by_type.values():
                for target in targets:
                    if target not in seen:
                        seen.add(target)
                        queue.append(target)


def _pair_loop(graph: ExecGraph, loop_id: str, budget: list[int], end_loops: frozenset[str]) -> None:
    """Find the end_loop(s) closing `loop_id` and the statements its body encloses.

    Walks the body. A nested loop that is already paired (loops are paired
    innermost first) is jumped over to its exits, so each walk covers one
    nesting level and the whole pairing stays linear. An unpaired nested loop is
    walked through with a stack of the loops entered; an end_loop met with an
    empty stack closes `loop_id`, and an explicit back edge is never followed.
    `budget` is shared by all loops and bounds the work on adversarial graphs.
    `end_loops` holds the end_loop nodes (operations come from sets, not the node objects).
    """
    body = graph.next(loop_id, "loop_body")
    if body is None:
        return
    seen: set[tuple[str, tuple[str, ...]]] = set()
    queue: deque[tuple[str, tuple[str, ...]]] = deque([(body, ())])
    ends: list[str] = []
    while queue and budget[0] > 0:
        budget[0] -= 1
        node_id, stack = queue.popleft()
        if (node_id, stack) in seen or node_id == loop_id and not stack:
            continue
        seen.add((node_id, stack))
        if not stack:
            graph.enclosing.setdefault(node_id, loop_id)
        if node_id in end_loops:
            if not stack:
                if node_id not in ends:
                    ends.append(node_id)
                graph.end_owner.setdefault(node_id, loop_id)
                continue
            closed, stack = stack[-1], stack[:-1]
            for target in graph.succ.get(node_id, {}).get("control_flow", ()):
                if target != closed:
                    queue.append((target, stack))
            continue
        if node_id in graph.loop_nodes and node_id != loop_id:
            if node_id in graph.loop_ends:  # paired already: jump to where it exits
                for end in graph.loop_ends[node_id]:
                    for target in graph.succ.get(end, {}).get("control_flow", ()):
                        if target != node_id:
                            queue.append((target, stack))
            else:
                inner = graph.next(node_id, "loop_body")
                if inner is not None:
                    queue.append((inner, stack + (node_id,)))
            for target in graph.succ.get(node_id, {}).get("control_flow", ()):
                queue.append((target, stack))
            continue
        for target in control_successors(graph, node_id):
            queue.append((target, stack))
    graph.loop_ends[loop_id] = ends


def is_back_edge(graph: ExecGraph, source: str, target: str) -> bool:
    """Whether `source -> target` hands control back to a loop from that loop's own body (its end_loop
    included): the one way control may go round. An edge into a loop header from outside its body
    (a `return` jumping back to the function's start, say) is ordinary flow, and can close a cycle."""
    if target not in graph.loop_nodes:
        return False
    if graph.end_owner.get(source) == target:
        return True
    seen: set[str] = set()
    current = graph.enclosing.get(source)
    while current is not None and current not in seen:
        if current == target:
            return True
        seen.add(current)
        current = graph.enclosing.get(current)
    return False


def find_cycles(graph: ExecGraph) -> list[list[str]]:
    """Control-flow cycles that are not loops (ANRF105).

    The back edges of loops (from a loop's body to its header, `is_back_edge`) are left out;
    any strongly connected component that remains is a forbidden cycle. Iterative Tarjan,
    so deep graphs cannot overflow the stack.
    """
    loops, index = graph.loop_nodes, graph.index
    # A cycle needs an edge that goes back in document order. Documents usually list their
    # statements in execution order, so when no edge does, that is the whole answer.
    if all(index[src] < index[t] or (t in loops and is_back_edge(graph, src, t))
           for src, by_type in graph.succ.items() for targets in by_type.values() for t in targets):
        return []
    adj: dict[str, list[str]] = {}
    indegree: dict[str, int] = {}
    for src, by_type in graph.succ.items():
        for targets in by_type.values():
            for t in targets:
                if not is_back_edge(graph, src, t):
                    adj.setdefault(src, []).append(t)
                    indegree[t] = indegree.get(t, 0) + 1
    # Peel off acyclic parts first (Kahn); only what remains can hold a cycle.
    ready = [n for n in adj if n not in indegree]
    while ready:
        for t in adj.get(ready.pop(), ()):
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    remaining = {n for n, d in indegree.items() if d > 0}
    if not remaining:
        return []
    sub = {n: [t for t in adj.get(n, ()) if t in remaining] for n in remaining}
    return [c for c in strongly_connected(sub) if len(c) > 1 or c[0] in sub.get(c[0], ())]


def strongly_connected(adj: dict[str, list[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in list(adj):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = adj.get(node, ())
            recurse = False
            while i < len(targets):
                t = targets[i]
                i += 1
                if t not in index:
                    work.append((node, i))
                    work.append((t, 0))
                    recurse = True
                    break
                if t in on_stack:
                    low[node] = min(low[node], index[t])
            if recurse:
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def data_reachable(graph: ExecGraph) -> set[str]:
    """Nodes that take part in some function: its statements, its parameters,
    and everything they read (inputs) or write (outputs), transitively."""
    index, nodes = graph.index, graph.nodes
    inputs, outputs = graph.column("inputs"), graph.column("outputs")
    reached: set[str] = set()
    queue: deque[str] = deque()
    for fn in graph.entries:
        for n in [*fn.statements, *fn.params]:
            if n not in reached:
                reached.add(n)
                queue.append(n)
    while queue:
        i = index[queue.popleft()]
        for ref in (*inputs[i], *outputs[i]):
            if ref in nodes and ref not in reached:
                reached.add(ref)
                queue.append(ref)
    return reached
