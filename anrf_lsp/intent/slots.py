"""A fold behaviour as fixed slots, the shape the intent model predicts it in (one head per slot).

    fold(source, select(predicate), map, reduce)   <->   {source, select, connective, pred1, value1,
                                                          pred2, value2, map, reduce} + literal values

`pred*` name an atom's predicate; `value*` say what its operand is: `none` (no operand), `const`
(a literal, read from the text's VALUE entity) or `param` (an argument). `unknown` in any slot
means the text asks for a part the model does not know: the tree then holds an `unknown` node and
generation declines. Both directions live here so training labels and run-time assembly agree.
"""

from __future__ import annotations

from typing import Any

from .behaviour import UNKNOWN_PART, BehaviourNode, node

SLOTS = ("source", "select", "connective", "pred1", "value1", "pred2", "value2", "map", "reduce")
NONE = "none"
VALUE_KINDS = (NONE, "const", "param")


def slots_of(tree: BehaviourNode) -> tuple[dict[str, str], list[Any], list[str]]:
    """(slot labels, the literal values in order, the parameter names in order) of a fold tree."""
    slots = dict.fromkeys(SLOTS, NONE)
    values: list[Any] = []
    params: list[str] = []
    if tree.part != "fold":
        return {k: UNKNOWN_PART for k in SLOTS}, values, params
    for key in ("source", "map", "reduce"):
        part = tree.args.get(key)
        slots[key] = part.part if isinstance(part, BehaviourNode) else UNKNOWN_PART
    select = tree.args.get("select")
    slots["select"] = select.part if isinstance(select, BehaviourNode) else UNKNOWN_PART
    predicate = select.args.get("predicate") if isinstance(select, BehaviourNode) else None
    if isinstance(predicate, BehaviourNode):
        if predicate.part in ("and", "or"):
            slots["connective"] = predicate.part
            atoms = [predicate.args.get("left"), predicate.args.get("right")]
        elif predicate.part == "not":
            slots["connective"] = "not"
            atoms = [predicate.args.get("operand")]
        else:
            atoms = [predicate]
        for i, atom in enumerate(atoms, 1):
            if not isinstance(atom, BehaviourNode):
                slots[f"pred{i}"] = UNKNOWN_PART
                continue
            slots[f"pred{i}"] = atom.part
            value = atom.args.get("value", _ABSENT)
            if value is _ABSENT:
                continue
            if isinstance(value, BehaviourNode) and value.part == "param":
                slots[f"value{i}"] = "param"
                params.append(str(value.args.get("name", "")))
            else:
                slots[f"value{i}"] = "const"
                values.append(value)
    return slots, values, params


_ABSENT = object()


def tree_of(slots: dict[str, str], values: list[Any], params: list[str]) -> BehaviourNode:
    """The fold tree of predicted slots; literal values and parameter names are used in order.
    A missing literal or an `unknown` slot becomes an `unknown` node (never a guess)."""
    values, params = list(values), list(params)

    def atom(i: int) -> BehaviourNode:
        name = slots.get(f"pred{i}", UNKNOWN_PART)
        if name in (NONE, UNKNOWN_PART):
            return node(UNKNOWN_PART)
        kind = slots.get(f"value{i}", NONE)
        if kind == "const":
            return node(name, value=values.pop(0)) if values else node(name, value=node(UNKNOWN_PART))
        if kind == "param":
            return node(name, value=node("param", name=params.pop(0) if params else "value"))
        return node(name)

    select_name = slots.get("select", UNKNOWN_PART)
    if select_name == "all":
        select = node("all")
    elif select_name in ("filter", "take_while"):
        connective = slots.get("connective", NONE)
        if connective in ("and", "or"):
            predicate = node(connective, left=atom(1), right=atom(2))
        elif connective == "not":
            predicate = node("not", operand=atom(1))
        else:
            predicate = atom(1)
        select = node(select_name, predicate=predicate)
    else:
        select = node(UNKNOWN_PART)
    parts = {k: node(slots.get(k, UNKNOWN_PART)) if slots.get(k, UNKNOWN_PART) != NONE else node(UNKNOWN_PART) for k in ("source", "map", "reduce")}
    return node("fold", source=parts["source"], select=select, map=parts["map"], reduce=parts["reduce"])
