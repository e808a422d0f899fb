"""Go to definition and find references, across the three layers.

An id under the cursor is either a definition (a node_id, edge_id or type_id) or
a reference to one (see `fields.SHAPE`); either way it names one id in one scope,
so definition and references work the same from both ends: from an `inputs`
entry to the execution node, from that node to every `inputs`/`outputs` entry,
edge end and semantic `execution_refs` entry naming it.
"""

from __future__ import annotations

from ..format.document import Document
from ..format.jsonsource import Span
from .index import IdIndex, Site


def target_at(doc: Document, index: IdIndex, offset: int) -> Site | None:
    """The id under the cursor: a `Definition` or a `Reference` (both have id, scope, span)."""
    return index.at(offset)


def definition(doc: Document, index: IdIndex, offset: int) -> list[Span]:
    """Where the id under the cursor is defined (several places when it is duplicated)."""
    site = index.at(offset)
    return [d.span for d in index.definitions_of(site.scope, site.id)] if site is not None else []


def references(doc: Document, index: IdIndex, offset: int, include_declaration: bool) -> list[Span]:
    """Every string naming the id under the cursor, in document order, its definitions included on request."""
    site = index.at(offset)
    if site is None:
        return []
    spans = [r.span for r in index.references_to(site.scope, site.id)]
    if include_declaration:
        spans += [d.span for d in index.definitions_of(site.scope, site.id)]
    return sorted(spans, key=lambda span: span.start)
