"""Shared, computed-once views of a document that several check groups need.

On large documents checking is bound by memory traffic more than by bytecode:
every pass over the model's objects pulls their scattered memory through the
cache again. So the fields several checks read are read once per list, in one
pass, into plain lists (`column`), and the checks scan those, mostly with
C-level set and dict operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from itertools import chain, compress, repeat
from operator import attrgetter, contains
from typing import Any

from anrf_lsp.execution.graph import ExecGraph, build_graph, first_index
from anrf_lsp.format.document import Document
from anrf_lsp.format.findings import Finding, Severity
from anrf_lsp.format.jsonsource import Path
from anrf_lsp.format.model import Anrf, AnrfModel, ExecEdge, ExecNode, SemanticEdge, SemanticNode

# Per list class, the fields several checks read: the first request for any of them reads them all.
_SHARED_FIELDS: dict[type, tuple[str, ...]] = {
    ExecNode: ("node_id", "operation", "inputs", "outputs", "properties", "__pydantic_extra__"),
    ExecEdge: ("edge_id", "source_id", "target_id", "edge_type", "properties", "__pydantic_extra__"),
    SemanticNode: ("node_id", "node_type", "label", "properties", "execution_refs", "intent_refs", "__pydantic_extra__"),
    SemanticEdge: ("edge_id", "source_id", "target_id", "edge_type", "properties", "__pydantic_extra__"),
}


class Columns:
    """`columns(items, name)`: `[getattr(x, name) for x in items]` for a list of the model, read once.

    Kept apart from `CheckContext` so the graph can hold this reader without a
    reference cycle (a cycle would keep the document alive until a full GC)."""

    def __init__(self) -> None:
        # (id of a model list, field) -> (the list, kept so its id stays unique; its column)
        self._cache: dict[tuple[int, str], tuple[Sequence[AnrfModel], list[Any]]] = {}

    def __call__(self, items: Sequence[AnrfModel], name: str) -> list[Any]:
        found = self._cache.get((id(items), name))
        if found is not None:
            return found[1]
        shared = _SHARED_FIELDS.get(type(items[0])) if items else None
        if shared is not None and name in shared:  # one pass for all of them: one trip through memory
            for field, col in zip(shared, zip(*map(attrgetter(*shared), items))):
                self._cache[(id(items), field)] = (items, list(col))
            return self._cache[(id(items), name)][1]
        col = list(map(attrgetter(name), items))
        self._cache[(id(items), name)] = (items, col)
        return col


class CheckContext:
    """One document plus id indexes (first occurrence wins), field columns and the execution graph."""

    def __init__(self, doc: Document):
        assert doc.model is not None
        self.doc = doc
        self.model: Anrf = doc.model
        self.column = Columns()
        self.memo: dict[str, Any] = {}  # results a check group computes once and others reuse (e.g. function costs)
        # Read the shared columns now, newest objects first: the execution layer was validated
        # last, so more of it is still in the CPU cache than of the semantic layer.
        for items in (self.model.execution.edges, self.model.execution.nodes, self.model.semantic.edges, self.model.semantic.nodes):
            if items:
                self.column(items, _SHARED_FIELDS[type(items[0])][0])

    def finding(
        self,
        code: str,
        path: Path,
        message: str,
        *,
        severity: Severity | None = None,
        related: list[tuple[Path, str]] | None = None,
        data: dict[str, Any] | None = None,
    ) -> Finding:
        return self.doc.finding(code, path, message, severity=severity, related=related, data=data)

    # -- columns ----------------------------------------------------------------------

    def where(self, items: Sequence[AnrfModel], name: str, values: frozenset[Any]) -> list[int]:
        """Indexes, in document order, of the objects whose field `name` is one of `values`."""
        return list(compress(range(len(items)), map(contains, repeat(values), self.column(items, name))))

    # -- indexes ----------------------------------------------------------------------

    @cached_property
    def semantic_index(self) -> dict[str, int]:
        """semantic node_id -> index in semantic.nodes."""
        return first_index(self.column(self.model.semantic.nodes, "node_id"))

    @cached_property
    def type_index(self) -> dict[str, int]:
        return first_index([t.type_id for t in self.model.semantic.types])

    @cached_property
    def exec_index(self) -> dict[str, int]:
        """exec node_id -> index in execution.nodes (the graph's own, when there is a graph)."""
        if self.is_graph:
            return self.graph.index
        return first_index(self.column(self.model.execution.nodes, "node_id"))

    @cached_property
    def graph(self) -> ExecGraph:
        return build_graph(self.model.execution, self.column)

    @cached_property
    def covering(self) -> dict[str, Sequence[int]]:
        """exec node id -> indexes of the semantic nodes whose execution_refs name it."""
        refs = self.column(self.model.semantic.nodes, "execution_refs")
        flat = list(chain.from_iterable(refs))
        owners = chain.from_iterable(map(repeat, range(len(refs)), map(len, refs)))  # semantic node index of each ref
        out: dict[str, Sequence[int]] = dict(zip(flat, zip(owners)))  # one (index,) per ref, built in C
        if len(out) != len(flat):  # some exec node is named more than once
            lists: dict[str, list[int]] = {}
            for i, node_refs in enumerate(refs):
                for ref in node_refs:
                    lists.setdefault(ref, []).append(i)
            out = lists
        return out

    @property
    def is_graph(self) -> bool:
        return self.model.execution.format == "graph"
