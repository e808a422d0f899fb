"""Random programs in the importable Python subset, for property tests of import and export.

Each program is one function over a list of ints and an int, with loops, branches, early exits,
accumulators and list building; every variable is assigned at the top (the subset's rule), so the
Python and the ANRF it imports to must agree on every input, errors included.
"""

from __future__ import annotations

import random

INT_VARS = ("acc", "best", "k")


class ProgramWriter:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lines: list[str] = []
        self.loop_vars: list[str] = []
        self.loops = 0

    def int_expr(self, depth: int = 0) -> str:
        r = self.rng.random()
        atoms = ["n", *INT_VARS, *self.loop_vars, str(self.rng.randint(-5, 9)), "len(xs)", "len(out)"]
        if depth >= 2 or r < 0.4:
            return self.rng.choice(atoms)
        a, b = self.int_expr(depth + 1), self.int_expr(depth + 1)
        return self.rng.choice([
            f"({a} + {b})", f"({a} - {b})", f"({a} * {self.rng.randint(-3, 3)})", f"({a} // {self.rng.choice((2, 3, -2))})",
            f"({a} % {self.rng.choice((2, 3, 5))})", f"abs({a})", f"max({a}, {b})", f"min({a}, {b})", f"xs[{self.rng.randint(-2, 2)}]",
            f"-{a}",
        ])

    def bool_expr(self, depth: int = 0) -> str:
        r = self.rng.random()
        if depth >= 1 or r < 0.6:
            op = self.rng.choice(("<", "<=", ">", ">=", "==", "!="))
            return self.rng.choice([f"{self.int_expr(1)} {op} {self.int_expr(1)}", f"{self.int_expr(1)} in xs",
                                    f"{self.int_expr(1)} not in out", "xs", "not out", f"{self.rng.choice(INT_VARS)}"])
        a, b = self.bool_expr(depth + 1), self.bool_expr(depth + 1)
        return self.rng.choice([f"({a}) and ({b})", f"({a}) or ({b})", f"not ({a})"])

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def block(self, indent: int, size: int) -> None:
        for _ in range(size):
            self.statement(indent)

    def statement(self, indent: int) -> None:
        r = self.rng.random()
        in_loop = bool(self.loop_vars) or self.loops > 0
        if r < 0.3:
            self.emit(indent, f"{self.rng.choice(INT_VARS)} = {self.int_expr()}")
        elif r < 0.45:
            self.emit(indent, f"{self.rng.choice(INT_VARS)} {self.rng.choice(('+=', '-='))} {self.int_expr(1)}")
        elif r < 0.55:
            self.emit(indent, f"out.append({self.int_expr()})")
        elif r < 0.7 and indent < 4:
            self.emit(indent, f"if {self.bool_expr()}:")
            self.block(indent + 1, self.rng.randint(1, 2))
            if self.rng.random() < 0.5:
                self.emit(indent, "else:")
                self.block(indent + 1, self.rng.randint(1, 2))
        elif r < 0.82 and indent < 3 and len(self.loop_vars) < 2:
            var = f"x{len(self.loop_vars)}"
            self.emit(indent, f"for {var} in {self.rng.choice(('xs', 'range(n % 4)', 'reversed(xs)'))}:")
            self.loop_vars.append(var)
            self.block(indent + 1, self.rng.randint(1, 3))
            self.loop_vars.pop()
        elif r < 0.87 and indent < 3 and not in_loop:
            self.emit(indent, "i = 0")
            self.emit(indent, "while i < len(xs):")
            self.loops += 1
            self.block(indent + 1, self.rng.randint(1, 2))
            self.emit(indent + 1, "i += 1")
            self.loops -= 1
        elif r < 0.93 and in_loop and self.loops == 0:  # (a continue in the while loop would skip its i += 1)
            self.emit(indent, f"if {self.bool_expr(1)}:")
            self.emit(indent + 1, self.rng.choice(("break", "continue")))
        else:
            self.emit(indent, f"if {self.bool_expr(1)}:")
            self.emit(indent + 1, f"return {self.rng.choice(('acc', 'len(out)', self.int_expr(1)))}")


def random_program(seed: int) -> str:
    """A function `f(xs: list[int], n: int) -> int` in the importable subset."""
    w = ProgramWriter(random.Random(seed))
    w.emit(0, "def f(xs: list[int], n: int) -> int:")
    for name in INT_VARS:
        w.emit(1, f"{name} = {w.rng.randint(-2, 3)}")
    w.emit(1, "out = []")
    w.emit(1, "i = 0")
    w.block(1, w.rng.randint(2, 5))
    w.emit(1, f"return {w.rng.choice(('acc', 'best + k', 'len(out)', 'acc * 2 + i'))}")
    return "\n".join(w.lines) + "\n"


def random_inputs(seed: int) -> list[list]:
    rng = random.Random(seed)
    cases = [[[], 0], [[0], 1], [[3, -1, 3], 5]]
    for _ in range(6):
        cases.append([[rng.randint(-6, 6) for _ in range(rng.randint(0, 6))], rng.randint(-4, 7)])
    return cases
