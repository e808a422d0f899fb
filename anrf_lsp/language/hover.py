"""Hover cards (Markdown): on an id, what it names and how it is wired across the
three layers; on the intent block, the intent and the document's confidence.

Cards stay small on huge documents: each group of references lists at most
`MAX_LISTED` ids and counts the rest.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from anrf_lsp.format import confidence

from ..execution.ops import OPS
from ..format.document import Document
from ..format.jsonsource import Span
from .describe import clip, property_of, string_of, summary
from .fields import EXEC_EDGE, EXEC_NODE, SCOPE_LAYERS, SCOPE_LISTS, SCOPE_NAMES, SEMANTIC_EDGE, SEMANTIC_NODE, TYPE
from .index import Definition, IdIndex, Reference

if TYPE_CHECKING:
    from .intent_links import Decline, Link

MAX_LISTED = 5
MAX_CONSTRAINTS = 8
_EDGES = (SEMANTIC_EDGE, EXEC_EDGE)


def hover(doc: Document, index: IdIndex, offset: int) -> tuple[str, Span] | None:
    """(Markdown, span it describes) for the position, or None when there is nothing to say."""
    site = index.at(offset)
    if site is not None:
        return id_card(index, site.scope, site.id), site.span
    path, on_key = index.path_at(offset)
    if not path or path[0] not in ("intent", "metadata"):
        return None
    if path[0] == "metadata" and (len(path) < 2 or not _is_confidence_key(path[1])):
        return None
    member = index.locator.member(path)
    if member is None:
        return None
    span = member.key_span if on_key and member.key_span is not None else member.value_span
    if path[0] == "intent":
        return intent_card(index.tree, example_lines(doc)), span
    return confidence_card(index.tree, path[1]), span


def example_lines(doc: Document) -> list[str]:
    """Which of the request's examples (intent.properties.examples) the program passes."""
    if doc.model is None or not doc.syntax_ok:
        return []
    from checkers import CheckContext
    from checkers.examples import example_results

    results = example_results(CheckContext(doc))
    if not results:
        return []
    passed = sum(ok for _, ok in results)
    lines = ["", f"**Examples** ({passed} of {len(results)} pass):"]
    lines += [f"- {'✓' if ok else '✗'} `{clip(text, 80)}`" for text, ok in results[:MAX_CONSTRAINTS]]
    return lines


# -- ids ---------------------------------------------------------------------------


def id_card(index: IdIndex, scope: str, id_: str) -> str:
    """What `id_` names in `scope`, and the references into and out of it."""
    defs = index.definitions_of(scope, id_)
    if not defs:
        count = index.count_references(scope, id_)
        return (
            f"**`{id_}`** names no {SCOPE_NAMES[scope]}\n\n"
            f"No entry of `{SCOPE_LISTS[scope]}` has this id; it is named by {_plural(count, 'dangling reference')}."
        )
    defn = defs[0]
    lines = [f"**{SCOPE_NAMES[scope]}** `{id_}` · {SCOPE_LAYERS[scope]} layer", ""]
    lines += _details(index, defn)
    if len(defs) > 1:
        lines.append(f"- ⚠ defined {len(defs)} times in `{SCOPE_LISTS[scope]}` (ANRF103)")
    if scope not in _EDGES:
        lines += _references_out(index.references_from(defn.path))
    lines += _references_in(index, index.references_to(scope, id_))
    return "\n".join(lines)


def _details(index: IdIndex, defn: Definition) -> list[str]:
    obj = defn.obj
    if defn.scope == EXEC_NODE:
        operation = string_of(obj, "operation")
        spec = OPS.get(operation)
        lines = [f"- operation: `{operation or '?'}`" + (f" — {clip(spec.doc.split('. ')[0], 120)}" if spec else " (unknown operation)")]
        props = obj.get("properties")
        if isinstance(props, dict) and props:
            shown = ", ".join(f"{clip(k, 20)} = `{property_of(obj, k)}`" for k in list(props)[:4])
            lines.append(f"- properties: {shown}" + (", …" if len(props) > 4 else ""))
        return lines
    if defn.scope == SEMANTIC_NODE:
        lines = [f"- node_type: `{string_of(obj, 'node_type') or '?'}` · label: `{string_of(obj, 'label')}`"]
        for key, title in (("type", "type"), ("return_type", "returns")):
            if property_of(obj, key):
                lines.append(f"- {title}: {_type_name(index, property_of(obj, key))}")
        return lines
    if defn.scope == TYPE:
        lines = [f"- type_kind: `{string_of(obj, 'type_kind') or '?'}` · name: `{string_of(obj, 'name')}`"]
        if property_of(obj, "element_type"):
            lines.append(f"- element type: {_type_name(index, property_of(obj, 'element_type'))}")
        if string_of(obj, "parent_type"):
            lines.append(f"- parent type: {_type_name(index, string_of(obj, 'parent_type'))}")
        fields = _dicts(obj.get("fields"))
        if fields:
            shown = ", ".join(f"`{string_of(f, 'name')}`: {_type_name(index, string_of(f, 'type_id'))}" for f in fields[:MAX_LISTED])
            lines.append(f"- fields: {shown}" + (f", … ({len(fields)} in all)" if len(fields) > MAX_LISTED else ""))
        return lines
    ends = SEMANTIC_NODE if defn.scope == SEMANTIC_EDGE else EXEC_NODE
    source, target = string_of(obj, "source_id"), string_of(obj, "target_id")
    return [
        f"- edge_type: `{string_of(obj, 'edge_type') or '?'}`",
        f"- {_node_name(index, ends, source)} → {_node_name(index, ends, target)}",
    ]


def _type_name(index: IdIndex, type_id: str) -> str:
    found = index.definitions_of(TYPE, type_id)
    return f"`{type_id}` ({string_of(found[0].obj, 'name') or 'unnamed'})" if found else f"`{type_id}` (unknown type)"


def _node_name(index: IdIndex, scope: str, id_: str) -> str:
    found = index.definitions_of(scope, id_)
    return f"`{id_}` ({summary(found[0])})" if found else f"`{id_ or '?'}` (no such {SCOPE_NAMES[scope]})"


def _references_out(refs: list[Reference]) -> list[str]:
    groups: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        groups[ref.field].append(f"`{ref.id}`")
    if not groups:
        return []
    return ["", f"**Refers to** {_plural(len(refs), 'id')}:"] + [f"- {field}: {_listed(items)}" for field, items in groups.items()]


def _references_in(index: IdIndex, refs: list[Reference]) -> list[str]:
    if not refs:
        return ["", "**Referred to** by nothing."]
    groups: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        owner = index.definition_at(ref.owner) if ref.owner is not None else None
        if ref.owner is None:
            groups["semantic.symbol_table"].append(f"`{clip(ref.path[-1], 40)}`")
        elif owner is None:
            groups[f"{ref.field} of unnamed entries"].append(f"`{'.'.join(map(str, ref.owner))}`")
        elif owner.scope in _EDGES:
            other = string_of(owner.obj, "source_id" if ref.field == "target_id" else "target_id")
            direction = "from" if ref.field == "target_id" else "to"
            groups[f"{SCOPE_NAMES[owner.scope]}s"].append(f"`{owner.id}` ({string_of(owner.obj, 'edge_type')} {direction} `{other}`)")
        else:
            groups[f"{ref.field} of {SCOPE_NAMES[owner.scope]}s"].append(f"`{owner.id}`")
    return ["", f"**Referred to** by {_plural(len(refs), 'reference')}:"] + [
        f"- {where}: {_listed(items)}" for where, items in groups.items()
    ]


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f", … ({len(items)} in all)" if len(items) > MAX_LISTED else "")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


# -- intent and confidence ------------------------------------------------------------


def intent_card(tree: dict, examples: list[str] | None = None) -> str:
    intent = tree.get("intent")
    intent = intent if isinstance(intent, dict) else {}
    lines = [f"**Intent** · {string_of(intent, 'intent_type') or 'no intent_type'}", ""]
    description = intent.get("description")
    lines.append(f"> {clip(description, 400)}" if isinstance(description, str) and description.strip() else "_No description._")
    constraints = _dicts(intent.get("constraints"))
    if constraints:
        lines += ["", f"**Constraints** ({len(constraints)}):"]
        for c in constraints[:MAX_CONSTRAINTS]:
            formal = f" (`{string_of(c, 'formal_spec')}`)" if string_of(c, "formal_spec") else ""
            lines.append(f"- {string_of(c, 'type') or '?'}: {string_of(c, 'description')}{formal}")
        if len(constraints) > MAX_CONSTRAINTS:
            lines.append(f"- … {len(constraints) - MAX_CONSTRAINTS} more")
    tags = intent.get("tags")
    if isinstance(tags, list) and tags:
        lines += ["", "Tags: " + ", ".join(f"`{clip(t, 30)}`" for t in tags[:10] if isinstance(t, str))]
    lines += examples or []
    lines += ["", confidence_card(tree, confidence.DOCUMENT_KEY)]
    return "\n".join(lines)


def confidence_card(tree: dict, key: str) -> str:
    """One line: the score under metadata `key` and what it means, or why there is none."""
    raw = confidence.metadata(tree).get(key)
    score = confidence.parse_score(raw)
    where = f"`metadata.{key}`" if key == confidence.DOCUMENT_KEY else f'`metadata["{key}"]`'
    if score is not None:
        declined = confidence.not_accepted(tree) if key == confidence.DOCUMENT_KEY else None
        verdict = f" **Not accepted**: written anyway although declined ({clip(declined, 300)})." if declined else ""
        return f"**Confidence** {confidence.render(score)}: {confidence.meaning(key)} ({where}).{verdict}"
    if raw is None:
        return f"**Confidence**: none. {where} is not set, so nothing says how likely this ANRF is to be correct (it gives the {confidence.MEANING})."
    return f"**Confidence**: {where} is `{clip(raw, 30)}`, not a number between 0 and 1; it should hold the {confidence.meaning(key)}."


def _is_confidence_key(key: str | int) -> bool:
    return isinstance(key, str) and (key == confidence.DOCUMENT_KEY or key.startswith(confidence.NODE_PREFIX))


def _dicts(value: object) -> list[dict]:
    """The objects of a JSON array (a partial tree may hold anything)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


# -- intent comments in other documents (the editor workflow) ---------------------------


def intent_comment_card(text: str, structured: dict | None, link: Link | None = None, declined: Decline | None = None,
                        reading: str | None = None) -> str:
    """Hover on an intent comment: the structured intent (`reading`: what it asks for, in words), and
    once generated the file, its confidence with what it means, and the verification results; or why
    it was declined."""
    lines = ["**ANRF intent**", "", f"> {clip(text, 400)}", ""]
    if structured:
        lines += structured_intent_lines(structured, reading)
    elif declined is None:
        lines.append("_Not analyzed yet: use **ANRF: Analyze intent** or **ANRF: Generate from intent**._")
    if declined is not None:
        lines += ["", f"**Declined**: nothing was written. {clip(declined.reason, 500)}."]
        if declined.can_force:
            lines.append("_**ANRF: Generate anyway** writes the best guess, marked as not accepted in its metadata._")
    if link is None:
        return "\n".join(lines)
    name = link.file_uri.rsplit("/", 1)[-1]
    lines += ["", f"**Generated**: [{name}]({link.file_uri})" + (f" · `{link.anrf_id}`" if link.anrf_id else "")]
    score = link.confidence
    if score is None:
        lines.append(f"- confidence: none (the generator is not calibrated; it would give the {confidence.MEANING})")
    else:
        lines.append(f"- confidence **{confidence.render(score)}**: {confidence.MEANING}")
    if link.not_accepted:
        lines.append(f"- **not accepted**: written anyway although declined ({clip(link.not_accepted, 300)})")
    errors, warnings, infos = link.errors, link.warnings, link.infos
    verdict = "passes every check" if errors == 0 else "has errors"
    lines.append(f"- verification: {verdict} ({_plural(errors, 'error')}, {_plural(warnings, 'warning')}, {_plural(infos, 'info')})")
    lines += [f"  - {clip(p, 160)}" for p in link.problems]
    extra = []
    if link.attempts:
        extra.append(_plural(link.attempts, "attempt"))
    if link.seconds is not None:
        extra.append(f"{link.seconds:.2f} s")
    if link.model:
        extra.append(f"model `{clip(link.model, 60)}`")
    if extra:
        lines.append("- generation: " + ", ".join(extra))
    return "\n".join(lines)


def structured_intent_lines(intent: dict, reading: str | None = None) -> list[str]:
    """The structured intent as Markdown list items: type, target, parameters, operation, constraints."""
    target = intent.get("target") if isinstance(intent.get("target"), dict) else None
    params = [p for p in intent.get("parameters") or [] if isinstance(p, dict)]
    signature = ", ".join(f"{p.get('name')}: {p.get('type', 'any')}" for p in params)
    lines = [f"- type: `{intent.get('intent_type', '?')}`"]
    if target:
        lines.append(f"- target: {target.get('kind', '?')} `{target.get('name', '?')}`")
    lines.append(f"- parameters: `({signature})` → `{intent.get('return_type', 'any')}`" if params else f"- parameters: none · returns `{intent.get('return_type', 'any')}`")
    behaviour = intent.get("behaviour")
    if reading:
        lines.append(f"- reads as: {clip(reading, 200)}")
    if behaviour is None:
        lines.append(f"- operation: `{intent.get('operation', 'unknown')}`")
    constraints = [c for c in intent.get("constraints") or [] if isinstance(c, dict)]
    if constraints:
        lines.append("- constraints: " + "; ".join(
            f"{c.get('type', '?')}: {c.get('description', '')}" + (f" (`{c['formal_spec']}`)" if c.get("formal_spec") else "") for c in constraints[:MAX_CONSTRAINTS]))
    else:
        lines.append("- constraints: none")
    if isinstance(intent.get("confidence"), (int, float)):
        what = ("calibrated probability that this reading is right" if intent.get("version") == 2
                else "probability of the intent type") + ", from the intent model"
        lines.append(f"- intent confidence: {intent['confidence']:.2f} ({what})")
    return lines


def structured_intent_summary(intent: dict) -> str:
    """One line for a message: `create_function biggest(numbers: list[number]) -> number · max · 1 constraint`."""
    target = intent.get("target") if isinstance(intent.get("target"), dict) else None
    if intent.get("intent_type") == "out_of_scope" or target is None:
        return "out of scope: not a request ANRF can generate"
    params = ", ".join(f"{p.get('name')}: {p.get('type', 'any')}" for p in intent.get("parameters") or [] if isinstance(p, dict))
    n = len(intent.get("constraints") or [])
    return (f"{intent.get('intent_type')} {target.get('name')}({params}) -> {intent.get('return_type', 'any')} · operation "
            f"{intent.get('operation', 'unknown')} · {_plural(n, 'constraint')}")
