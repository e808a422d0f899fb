"""Class behaviours: a struct type with fields, a static constructor `new`, and
methods named "Class.method" that take the instance (a JSON object) as `self`.

A case is one call: a constructor call, or a method call whose first argument is
the instance's state. Methods that change the instance return it (`Stack.push`
returns the stack), so the proof, which compares return values, also sees every
change; queries return their answer. The Python reference of each class is a
table of plain functions over the same dict state, mirroring the ANRF methods.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from anrf_lsp.program.builder import ClassBuilder, Program
from training.behaviour import Behaviour, BuildRequest, Case

from .common import ints

Methods = dict[str, Callable[..., Any]]  # method name -> reference(state or constructor args...)


def class_behaviour(
    key: str,
    name: str,
    fields: list[tuple[str, str]],
    summary: str,
    phrases: tuple[str, ...],
    define: Callable[[ClassBuilder], None],
    methods: Methods,
    cases: Callable[[random.Random], list[tuple[str, list[Any]]]],
    tags: tuple[str, ...] = (),
) -> Behaviour:
    """A class behaviour: `define` adds the methods to the ClassBuilder; `methods`
    holds the reference of each (the constructor `new` takes its arguments, the
    others a copy of the state first); `cases` gives (method, args) pairs."""
    all_tags = ("class", *tags)

    def build(request: BuildRequest) -> dict[str, Any]:
        program = Program(request, "class", tags=all_tags, summary=summary)
        define(program.class_(request.name or name, fields))
        return program.build()

    def reference(case: Case) -> Any:
        method = case.function.rsplit(".", 1)[1]
        return methods[method](*copy.deepcopy(case.args))

    return Behaviour(
        key=key, kind="class", name=name, category="class", summary=summary, phrases=phrases, params=(), return_type="any",
        build=build, cases=lambda rng: [Case(f"{name}.{m}", args) for m, args in cases(rng)], reference=reference, tags=all_tags,
    )


# -- Counter ----------------------------------------------------------------------------


def _counter(cls: ClassBuilder) -> None:
    new = cls.method("new", [("start", "int")], "self", static=True)
    new.return_(new.new_object({"count": new.params[0]}))
    inc = cls.method("increment", [], "int")
    inc.put("count", inc.add(inc.get("count"), 1))
    inc.return_(inc.get("count"))
    add = cls.method("add", [("amount", "int")], "self")
    add.put("count", add.add(add.get("count"), add.params[1]))
    add.return_(add.self_)
    reset = cls.method("reset", [], "self")
    reset.put("count", 0)
    reset.return_(reset.self_)
    current = cls.method("current", [], "int")
    current.return_(current.get("count"))


def _counter_increment(s: dict) -> int:
    s["count"] += 1
    return s["count"]


def _counter_add(s: dict, amount: int) -> dict:
    s["count"] += amount
    return s


_COUNTER: Methods = {
    "new": lambda start: {"count": start},
    "increment": _counter_increment,
    "add": _counter_add,
    "reset": lambda s: {**s, "count": 0},
    "current": lambda s: s["count"],
}


def _counter_cases(rng: random.Random) -> list[tuple[str, list[Any]]]:
    def state() -> dict:
        return {"count": rng.randint(-5, 50)}

    return [("new", [0]), ("new", [rng.randint(-10, 10)]), ("increment", [{"count": 0}]), ("increment", [state()]),
            ("add", [{"count": 2}, -5]), ("add", [state(), rng.randint(0, 9)]), ("reset", [state()]), ("current", [state()])]


# -- Stack ------------------------------------------------------------------------------


def _stack(cls: ClassBuilder) -> None:
    new = cls.method("new", [], "self", static=True)
    new.return_(new.new_object({"items": []}))
    push = cls.method("push", [("item", "int")], "self")
    push.do(push.list_append(push.get("items"), push.params[1]))
    push.return_(push.self_)
    pop = cls.method("pop", [], "int?")
    items = pop.var("items", "list[int]", pop.get("items"))
    with pop.if_(pop.eq(pop.len(items), 0)):
        pop.return_(None)
    top = pop.var("top", "int", pop.index(items, -1))
    pop.put("items", pop.slice(items, 0, -1))
    pop.return_(top)
    peek = cls.method("peek", [], "int?")
    items = peek.var("items", "list[int]", peek.get("items"))
    with peek.if_(peek.eq(peek.len(items), 0)):
        peek.return_(None)
    peek.return_(peek.index(items, -1))
    size = cls.method("size", [], "int")
    size.return_(size.len(size.get("items")))
    empty = cls.method("is_empty", [], "bool")
    empty.return_(empty.eq(empty.len(empty.get("items")), 0))


def _stack_push(s: dict, item: int) -> dict:
    s["items"].append(item)
    return s


def _stack_pop(s: dict) -> int | None:
    if not s["items"]:
        return None
    top = s["items"][-1]
    s["items"] = s["items"][:-1]
    return top


_STACK: Methods = {
    "new": lambda: {"items": []},
    "push": _stack_push,
    "pop": _stack_pop,
    "peek": lambda s: s["items"][-1] if s["items"] else None,
    "size": lambda s: len(s["items"]),
    "is_empty": lambda s: not s["items"],
}


def _stack_cases(rng: random.Random) -> list[tuple[str, list[Any]]]:
    def state() -> dict:
        return {"items": ints(rng, -9, 9)}

    empty = {"items": []}
    return [("new", []), ("push", [empty, 4]), ("push", [state(), rng.randint(0, 9)]), ("pop", [empty]), ("pop", [state()]),
            ("peek", [empty]), ("peek", [state()]), ("size", [state()]), ("is_empty", [empty]), ("is_empty", [state()])]


# -- BankAccount ------------------------------------------------------------------------


def _account(cls: ClassBuilder) -> None:
    new = cls.method("new", [("owner", "str"), ("balance", "number")], "self", static=True)
    new.return_(new.new_object({"owner": new.params[0], "balance": new.params[1]}))
    deposit = cls.method("deposit", [("amount", "number")], "number")
    with deposit.if_(deposit.gt(deposit.params[1], 0)):
        deposit.put("balance", deposit.add(deposit.get("balance"), deposit.params[1]))
    deposit.return_(deposit.get("balance"))
    withdraw = cls.method("withdraw", [("amount", "number")], "bool")
    amount = withdraw.params[1]
    with withdraw.if_(withdraw.or_(withdraw.le(amount, 0), withdraw.gt(amount, withdraw.get("balance")))):
        withdraw.return_(False)
    withdraw.put("balance", withdraw.sub(withdraw.get("balance"), amount))
    withdraw.return_(True)
    balance = cls.method("get_balance", [], "number")
    balance.return_(balance.get("balance"))


def _deposit(s: dict, amount: float) -> float:
    if amount > 0:
        s["balance"] += amount
    return s["balance"]


def _withdraw(s: dict, amount: float) -> bool:
    if amount <= 0 or amount > s["balance"]:
        return False
    s["balance"] -= amount
    return True


_ACCOUNT: Methods = {
    "new": lambda owner, balance: {"owner": owner, "balance": balance},
    "deposit": _deposit,
    "withdraw": _withdraw,
    "get_balance": lambda s: s["balance"],
}


def _account_cases(rng: random.Random) -> list[tuple[str, list[Any]]]:
    def state() -> dict:
        return {"owner": rng.choice(("ada", "bob", "chen")), "balance": rng.randint(0, 4000) / 4}

    return [("new", ["ada", 0]), ("new", ["", 12.5]), ("deposit", [state(), 25]), ("deposit", [state(), -5]),
            ("deposit", [state(), 0]), ("withdraw", [{"owner": "bob", "balance": 10}, 10]), ("withdraw", [state(), 10**6]),
            ("withdraw", [state(), 0]), ("withdraw", [{"owner": "ada", "balance": 50.5}, 0.25]), ("get_balance", [state()])]


# -- Rectangle --------------------------------------------------------------------------


def _rectangle(cls: ClassBuilder) -> None:
    new = cls.method("new", [("width", "number"), ("height", "number")], "self", static=True)
    new.return_(new.new_object({"width": new.params[0], "height": new.params[1]}))
    area = cls.method("area", [], "number")
    area.return_(area.mul(area.get("width"), area.get("height")))
    perimeter = cls.method("perimeter", [], "number")
    perimeter.return_(perimeter.mul(perimeter.add(perimeter.get("width"), perimeter.get("height")), 2))
    scale = cls.method("scale", [("factor", "number")], "self")
    for field in ("width", "height"):
        scale.put(field, scale.mul(scale.get(field), scale.params[1]))
    scale.return_(scale.self_)
    square = cls.method("is_square", [], "bool")
    square.return_(square.eq(square.get("width"), square.get("height")))


def _scale(s: dict, factor: float) -> dict:
    s["width"] *= factor
    s["height"] *= factor
    return s


_RECTANGLE: Methods = {
    "new": lambda width, height: {"width": width, "height": height},
    "area": lambda s: s["width"] * s["height"],
    "perimeter": lambda s: (s["width"] + s["height"]) * 2,
    "scale": _scale,
    "is_square": lambda s: s["width"] == s["height"],
}


def _rectangle_cases(rng: random.Random) -> list[tuple[str, list[Any]]]:
    def state() -> dict:
        return {"width": rng.randint(0, 40) / 2, "height": rng.randint(0, 40) / 2}

    return [("new", [3, 4]), ("new", [0, 2.5]), ("area", [{"width": 3, "height": 4}]), ("area", [state()]),
            ("perimeter", [{"width": 0, "height": 0}]), ("perimeter", [state()]), ("scale", [state(), 2]),
            ("scale", [{"width": 3, "height": 5}, 0.5]), ("is_square", [{"width": 2, "height": 2}]), ("is_square", [state()])]


BEHAVIOURS = [
    class_behaviour(
        "counter_class", "Counter", [("count", "int")],
        "Keep a count that can be incremented, added to, reset and read.",
        ("keep a count that can be incremented and reset", "track a running count with increment and add methods",
         "count things up one at a time and reset the count", "hold a counter value that starts from a given number"),
        _counter, _COUNTER, _counter_cases, tags=("state",),
    ),
    class_behaviour(
        "stack_class", "Stack", [("items", "list[int]")],
        "Store integers last-in first-out with push, pop, peek, size and is_empty (pop and peek give null when empty).",
        ("store integers in a last-in first-out stack", "keep a stack of numbers with push and pop",
         "push and pop integers like a LIFO stack", "manage a stack that can peek at its top element and report its size"),
        _stack, _STACK, _stack_cases, tags=("data-structure",),
    ),
    class_behaviour(
        "bank_account_class", "BankAccount", [("owner", "str"), ("balance", "number")],
        "Track a bank account's owner and balance, accepting positive deposits and refusing withdrawals beyond the balance.",
        ("track a bank account balance with deposits and withdrawals", "manage an account balance and refuse overdrafts",
         "hold an owner and a balance and allow deposits and withdrawals", "model a bank account that rejects withdrawing too much"),
        _account, _ACCOUNT, _account_cases, tags=("finance", "state"),
    ),
    class_behaviour(
        "rectangle_class", "Rectangle", [("width", "number"), ("height", "number")],
        "Represent a rectangle by its width and height, computing its area and perimeter, scaling it and telling whether it is a square.",
        ("represent a rectangle and compute its area and perimeter", "model a rectangle with a width and a height",
         "store a rectangle's size and scale it by a factor", "describe a rectangle that can tell whether it is a square"),
        _rectangle, _RECTANGLE, _rectangle_cases, tags=("geometry", "math"),
    ),
]
