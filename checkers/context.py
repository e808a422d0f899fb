"""Shared, computed-once views of a document that several check groups need."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from anrf_lsp.execution.graph import ExecGraph, build_graph
from anrf_lsp.format.document import Document
from anrf_lsp.format.findings import Finding, Severity
from anrf_lsp.format.jsonsource import Path
from anrf_lsp.format.model import Anrf


class CheckContext:
    """One document plus id indexes (first occurrence wins) and the execution graph."""

    def __init__(self, doc: Document):
        assert doc.model is not None
        self.doc = doc
        self.model: Anrf = doc.model

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

    @cached_property
    def semantic_index(self) -> dict[str, int]:
        """semantic node_id -> index in semantic.nodes."""
        out: dict[str, int] = {}
        for i, node in enumerate(self.model.semantic.nodes):
            out.setdefault(node.node_id, i)
        return out

    @cached_property
    def type_index(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for i, t in enumerate(self.model.semantic.types):
            out.setdefault(t.type_id, i)
        return out

    @cached_property
    def exec_index(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for i, node in enumerate(self.model.execution.nodes):
            out.setdefault(node.node_id, i)
        return out

    @cached_property
    def graph(self) -> ExecGraph:
        return build_graph(self.model.execution)

    @cached_property
    def covering(self) -> dict[str, list[int]]:
        """exec node id -> indexes of the semantic nodes whose execution_refs name it."""
        out: dict[str, list[int]] = {}
        for i, node in enumerate(self.model.semantic.nodes):
            for ref in node.execution_refs:
                out.setdefault(ref, []).append(i)
        return out

    @property
    def is_graph(self) -> bool:
        return self.model.execution.format == "graph"
