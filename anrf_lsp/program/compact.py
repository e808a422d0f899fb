"""The compact text form of ANRF: what the generation model writes instead of JSON.

A model should not spend tokens (or make mistakes) on ids, the symbol table,
cross-layer references and edges: all of them follow from the program. The
compact form is a small Python-like program text; `assemble` replays it through
`anrf_lsp.program.builder` (the same DSL the catalog uses), so the JSON it derives is
exactly what a behaviour would have built. `to_compact` is the inverse, used to
make training targets from catalog documents. The grammar is in
docs/compact-form.md; an example:

    @tags aggregate search
    function max_of_list(numbers: list[number]) -> number?:
        if len(numbers) == 0:
            return null
        best: number = numbers[0]
        for num in numbers:
            if num > best:
                best = num
        return best

Assembling is bounded (text length, lines, nesting) and only ever raises
`CompactSyntaxError` for bad text, because its input is untrusted model output.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from anrf_lsp.execution.ops import ATOM_PRECEDENCE, INFIX, OPS

from .builder import _BASE_TYPES, _EXPRESSION_OPS, GENERATED_BY, BuildRequest, ClassBuilder, Function, Program, Ref, split_top_level

MAX_CHARS = 65_536  # far above any catalog program (the largest is ~2,000 characters)
MAX_LINES = 2_000
MAX_BLOCK_DEPTH = 24
MAX_EXPR_DEPTH = 48
MAX_FUNCTIONS = 100
INDENT = "    "

KEYWORDS = frozenset({
    "and", "or", "not", "if", "else", "for", "in", "while", "return", "break", "continue", "pass",
    "true", "false", "null", "function", "class", "module", "const", "call", "self",
})
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TEMP = re.compile(r"\$[0-9]+")
_LITERALS = {"true": True, "false": False, "null": None}

_COMPARE = {sym: op for op, (sym, prec) in INFIX.items() if prec == 4}
_SUM = {"+": "add", "-": "sub"}
_TERM = {"*": "mul", "//": "floordiv", "/": "div", "%": "mod"}  # '//' before '/': longest symbol first
_BASE_BY_TYPE_ID = {type_id: spec for spec, (type_id, _, _) in _BASE_TYPES.items()}
_TYPE_SPEC = re.compile(r"(list\[)*[A-Za-z_][A-Za-z0-9_]*\]*\?*")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON literal")


_JSON = json.JSONDecoder(parse_constant=_no_constant)  # NaN and Infinity are not JSON


class CompactError(ValueError):
    """A document has no compact form, or a compact text has no document."""


class CompactSyntaxError(CompactError):
    """Malformed compact text (e.g. garbage model output), with its 1-based position."""

    def __init__(self, message: str, line: int, column: int = 1):
        super().__init__(f"line {line}, column {column}: {message}")
        self.message = message
        self.line = line
        self.column = column


# ======================================================================================
# Text -> ANRF
# ======================================================================================


@dataclass
class _Line:
    number: int
    indent: int
    text: str
    children: list[_Line] = field(default_factory=list)


def assemble(text: str, request: BuildRequest, node_lines: dict[str, int] | None = None) -> dict[str, Any]:
    """The full ANRF v1 document for a compact text; anrf_id, description and constraints
    come from `request` (a module takes its name from the text). `node_lines`, when given,
    receives each execution node's 1-based line in `text` (for per-node model confidence)."""
    if not isinstance(text, str):
        raise CompactSyntaxError("the compact text must be a string", 1)
    if len(text) > MAX_CHARS:
        raise CompactSyntaxError(f"text longer than {MAX_CHARS} characters", 1)
    try:
        assembler = _Assembler(request)
        document = assembler.run(_outline(text))
        if node_lines is not None and assembler.program is not None:
            node_lines.update((node, line) for fn in assembler.program.functions for node, line in fn.node_lines.items())
        return document
    except CompactError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        # the builder rejected the program as a whole (unknown callee, ...): the text's fault
        raise CompactSyntaxError(f"{type(exc).__name__}: {exc}", 1) from None


def _outline(text: str) -> list[_Line]:
    """Lines into a tree by indentation (Python's rules, spaces only)."""
    raw = text.split("\n")
    if len(raw) > MAX_LINES:
        raise CompactSyntaxError(f"more than {MAX_LINES} lines", MAX_LINES + 1)
    root = _Line(0, -1, "")
    stack = [root]
    for number, line in enumerate(raw, 1):
        line = line.rstrip("\r ")
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        indent = len(line) - len(body)
        if "\t" in line[: indent + 1]:
            raise CompactSyntaxError("tabs are not allowed in indentation", number, indent + 1)
        while indent <= stack[-1].indent:
            stack.pop()
        parent = stack[-1]
        if parent.children and parent.children[0].indent != indent:
            raise CompactSyntaxError("inconsistent indentation", number, indent + 1)
        if not parent.children and parent is not root and not parent.text.endswith(":"):
            raise CompactSyntaxError("unexpected indent", number, indent + 1)
        node = _Line(number, indent, body)
        parent.children.append(node)
        stack.append(node)
        if len(stack) > MAX_BLOCK_DEPTH:
            raise CompactSyntaxError(f"blocks nested deeper than {MAX_BLOCK_DEPTH}", number, indent + 1)
    if not root.children:
        raise CompactSyntaxError("empty program", 1)
    return root.children


def _block_header(line: _Line, keyword: str) -> str:
    """The text between `keyword` and the final ':' of a block line that has a body."""
    if not line.text.endswith(":"):
        raise CompactSyntaxError(f"'{keyword}' line must end with ':'", line.number, len(line.text) + line.indent + 1)
    if not line.children:
        raise CompactSyntaxError("expected an indented block", line.number, line.indent + 1)
    return line.text[len(keyword) : -1]


def _no_block(line: _Line) -> None:
    if line.children:
        raise CompactSyntaxError("unexpected indented block", line.children[0].number, line.children[0].indent + 1)


def _type(text: str, line: _Line, column: int) -> str:
    spec = text.strip()
    if not _TYPE_SPEC.fullmatch(spec) or spec.count("list[") != spec.count("]") or spec.count("[") > 6:
        raise CompactSyntaxError(f"bad type {spec!r}", line.number, column)
    return spec


def _name(text: str, line: _Line, column: int, what: str = "name") -> str:
    name = text.strip()
    if not _IDENT.fullmatch(name) or name in KEYWORDS:
        raise CompactSyntaxError(f"bad {what} {name!r}", line.number, column)
    return name


_SIGNATURE = re.compile(r"function +([A-Za-z_][A-Za-z0-9_]*) *\((.*)\) *-> *(.+):")


class _Assembler:
    def __init__(self, request: BuildRequest):
        self.request = request
        self.program: Program | None = None
        self.functions = 0

    def run(self, lines: list[_Line]) -> dict[str, Any]:
        tags: list[str] = []
        if lines[0].text.startswith("@tags"):
            _no_block(lines[0])
            tags = lines[0].text[len("@tags") :].split()
            lines = lines[1:]
        if not lines:
            raise CompactSyntaxError("no program after @tags", 1)
        first = lines[0]
        if first.text.startswith("module "):
            _no_block(first)
            name = _name(first.text[len("module ") :], first, first.indent + 8, "module name")
            self.program = Program(replace(self.request, name=name), "module", tags=tags)
            self._functions(lines[1:], None)
        elif first.text.startswith("class "):
            self.program = Program(self.request, "class", tags=tags)
            for line in lines:
                self._class(line)
        else:
            self.program = Program(self.request, "function", tags=tags)
            self._functions(lines, None)
        last = lines[-1].number
        try:
            return self.program.build()
        except (ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
            raise CompactSyntaxError(str(exc), last) from None

    def _class(self, line: _Line) -> None:
        if not line.text.startswith("class "):
            raise CompactSyntaxError("expected 'class NAME:'", line.number, line.indent + 1)
        name = _name(_block_header(line, "class "), line, line.indent + 7, "class name")
        body = line.children
        fields = []
        while body and not body[0].text.startswith(("function ", "@complexity")):
            f = body.pop(0)
            _no_block(f)
            fname, colon, ftype = f.text.partition(":")
            if not colon:
                raise CompactSyntaxError("expected a field 'name: type' or a method", f.number, f.indent + 1)
            fields.append((_name(fname, f, f.indent + 1, "field name"), _type(ftype, f, f.indent + len(fname) + 2)))
        assert self.program is not None
        try:
            cls = self.program.class_(name, fields)
        except ValueError as exc:
            raise CompactSyntaxError(str(exc), line.number) from None
        self._functions(body, cls)

    def _functions(self, lines: list[_Line], cls: ClassBuilder | None) -> None:
        if not lines:
            raise CompactSyntaxError("expected a function", 1)
        complexity = None
        for line in lines:
            if line.text.startswith("@complexity"):
                _no_block(line)
                complexity = line.text[len("@complexity") :].strip()
                continue
            self._function(line, cls, complexity)
            complexity = None
        if complexity is not None:
            raise CompactSyntaxError("@complexity must come before a function", lines[-1].number)

    def _function(self, line: _Line, cls: ClassBuilder | None, complexity: str | None) -> None:
        self.functions += 1
        if self.functions > MAX_FUNCTIONS:
            raise CompactSyntaxError(f"more than {MAX_FUNCTIONS} functions", line.number)
        match = _SIGNATURE.fullmatch(line.text)
        if match is None:
            raise CompactSyntaxError("expected 'function NAME(PARAMS) -> TYPE:'", line.number, line.indent + 1)
        _block_header(line, "function")
        name, params_text, returns = match.groups()
        returns = _type(returns, line, line.indent + match.start(3) + 1)
        params: list[tuple[str, str]] = []
        with_self = False
        for i, part in enumerate(split_top_level(params_text) if params_text.strip() else []):
            if cls is not None and i == 0 and part.strip() == "self":
                with_self = True
                continue
            pname, colon, ptype = part.partition(":")
            column = line.indent + match.start(2) + 1
            if not colon:
                raise CompactSyntaxError(f"parameter {part.strip()!r} needs a type", line.number, column)
            ptext = pname.strip()
            if not (_IDENT.fullmatch(ptext) and (ptext not in KEYWORDS or ptext == "self")):
                raise CompactSyntaxError(f"bad parameter name {ptext!r}", line.number, column)
            params.append((ptext, _type(ptype, line, column)))
        assert self.program is not None
        try:
            if cls is None:
                fn = self.program.function(name, params, returns, complexity=complexity)
            else:
                fn = cls.method(name, params, returns, static=not with_self, complexity=complexity)
        except (ValueError, TypeError, KeyError) as exc:
            raise CompactSyntaxError(str(exc), line.number, line.indent + 1) from None
        fn.node_lines.update(dict.fromkeys(fn.node_lines, line.number))  # the entry and parameters: the signature's line
        names = [("self", "")] * with_self + params
        body = _Body(fn, {pname: ref for (pname, _), ref in zip(names, fn.params)})
        body.block(line.children)


class _Body:
    """Replays one function body's statements on a builder Function."""

    def __init__(self, fn: Function, scope: dict[str, Ref]):
        self.fn = fn
        self.scope = scope
        self.temps: dict[str, Ref] = {}

    def block(self, lines: list[_Line]) -> None:
        i = 0
        while i < len(lines):
            line = lines[i]
            has_else = line.text.startswith("if ") and i + 1 < len(lines) and lines[i + 1].text.startswith("else")
            outer, self.fn.source_line = self.fn.source_line, line.number
            try:
                self.statement(line, lines[i + 1] if has_else else None)
            except CompactError:
                raise
            except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
                raise CompactSyntaxError(str(exc), line.number, line.indent + 1) from None
            finally:
                self.fn.source_line = outer
            i += 2 if has_else else 1

    def expr(self, text: str, line: _Line, offset: int) -> Any:
        return _ExprParser(text, line, offset).parse_all()

    def statement(self, line: _Line, else_line: _Line | None) -> None:
        f, text, col = self.fn, line.text, line.indent
        word = text.split(" ", 1)[0].rstrip(":")
        if word == "if":
            cond = self.value(self.expr(_block_header(line, "if "), line, col + 3))
            with f.if_(cond):
                self.block(line.children)
            if else_line is not None:
                if else_line.text != "else:":
                    raise CompactSyntaxError("expected 'else:'", else_line.number, else_line.indent + 1)
                _block_header(else_line, "else")
                with f.else_():
                    self.block(else_line.children)
        elif word == "else":
            raise CompactSyntaxError("'else' without 'if'", line.number, col + 1)
        elif word == "for":
            header = _block_header(line, "for ")
            name, sep, items = header.partition(" in ")
            if not sep:
                raise CompactSyntaxError("expected 'for NAME in EXPR:'", line.number, col + 1)
            iterator = _name(name, line, col + 5, "loop variable")
            source = self.value(self.expr(items, line, col + 4 + len(name) + 4))
            with f.for_each(source, iterator) as ref:
                self.scope[iterator] = ref
                self.block(line.children)
        elif word == "while":
            cond = self.value(self.expr(_block_header(line, "while "), line, col + 6))
            with f.while_(cond):
                self.block(line.children)
        elif word in ("return", "break", "continue", "pass"):
            _no_block(line)
            rest = text[len(word) :]
            if word == "return" and rest.strip():
                if not rest.startswith(" "):
                    raise CompactSyntaxError("expected 'return EXPR'", line.number, col + 1)
                f.return_(self.value(self.expr(rest, line, col + 6)))
            elif rest:
                raise CompactSyntaxError(f"unexpected text after '{word}'", line.number, col + len(word) + 1)
            elif word == "return":
                f.return_()
            elif word == "break":
                f.break_()
            elif word == "continue":
                f.continue_()
        else:
            _no_block(line)
            self.simple(line)

    def simple(self, line: _Line) -> None:
        """`$1 = e`, `name: type [= e]`, `name = e`, or an expression run for its effect."""
        f, text, col = self.fn, line.text, line.indent
        temp = _TEMP.match(text)
        if temp and text[temp.end() :].lstrip(" ").startswith("=") and not text[temp.end() :].lstrip(" ").startswith("=="):
            rhs = text[temp.end() :].lstrip(" ")[1:]
            value = self.value(self.expr(rhs, line, col + len(text) - len(rhs)))
            self.temps[temp.group()] = value if isinstance(value, Ref) else f.const(value)
            return
        ident = _IDENT.match(text)
        rest = text[ident.end() :].lstrip(" ") if ident else ""
        if ident and rest.startswith(":"):
            name = _name(ident.group(), line, col + 1, "variable name")
            type_text, eq, init = rest[1:].partition("=")
            spec = _type(type_text, line, col + ident.end() + 2)
            if not eq:
                self.scope[name] = f.var(name, spec)
                return
            tree = self.expr(init, line, col + len(text) - len(init))
            self.scope[name] = f.var(name, spec, tree[1] if tree[0] == "lit" else self.value(tree))
        elif ident and rest.startswith("=") and not rest.startswith("=="):
            target = self.scope.get(ident.group())
            if target is None:
                raise CompactSyntaxError(f"unknown variable {ident.group()!r}", line.number, col + 1)
            f.set(target, self.value(self.expr(rest[1:], line, col + len(text) - len(rest) + 1)))
        else:
            value = self.value(self.expr(text, line, col))
            if not isinstance(value, Ref):
                raise CompactSyntaxError("a literal is not a statement", line.number, col + 1)
            f.do(value)

    def value(self, tree: tuple) -> Any:
        """Evaluate an expression tree in builder order: a Ref, or a Python literal
        (which the builder turns into a constant where it is used)."""
        kind = tree[0]
        if kind == "lit":
            return tree[1]
        if kind == "const":
            return self.fn.const(tree[1])
        if kind in ("name", "temp"):
            table = self.scope if kind == "name" else self.temps
            if tree[1] not in table:
                raise CompactSyntaxError(f"unknown name {tree[1]!r}", tree[2][0], tree[2][1])
            return table[tree[1]]
        args = [self.value(a) for a in tree[2]]
        try:
            if kind == "call":
                return self.fn.call(tree[1], *args)
            return self.fn.op(tree[1], *args)
        except ValueError as exc:
            raise CompactSyntaxError(str(exc), tree[3][0], tree[3][1]) from None


class _ExprParser:
    """Recursive descent over one line's expression text, Python's precedence.
    Trees: ('lit', v), ('const', v), ('name'|'temp', n, pos), ('op'|'call', name, args, pos)."""

    def __init__(self, text: str, line: _Line, offset: int):
        self.text = text
        self.i = 0
        self.line = line
        self.offset = offset
        self.depth = 0

    def error(self, message: str) -> CompactSyntaxError:
        return CompactSyntaxError(message, self.line.number, self.offset + self.i + 1)

    def pos(self) -> tuple[int, int]:
        return (self.line.number, self.offset + self.i + 1)

    def ws(self) -> None:
        while self.i < len(self.text) and self.text[self.i] == " ":
            self.i += 1

    def peek(self, symbol: str) -> bool:
        self.ws()
        return self.text.startswith(symbol, self.i)

    def word(self, keyword: str) -> bool:
        """The keyword is next (as a whole word): consume it."""
        self.ws()
        end = self.i + len(keyword)
        if self.text.startswith(keyword, self.i) and not (end < len(self.text) and (self.text[end].isalnum() or self.text[end] == "_")):
            self.i = end
            return True
        return False

    def expect(self, symbol: str) -> None:
        if not self.peek(symbol):
            raise self.error(f"expected {symbol!r}")
        self.i += len(symbol)

    def parse_all(self) -> tuple:
        tree = self.or_()
        self.ws()
        if self.i != len(self.text):
            raise self.error(f"unexpected {self.text[self.i:self.i + 10]!r}")
        return tree

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_EXPR_DEPTH:
            raise self.error(f"expression nested deeper than {MAX_EXPR_DEPTH}")

    def _chain(self, keyword: str, operand: Any) -> tuple:
        pos = self.pos()
        items = [operand()]
        while self.word(keyword):
            items.append(operand())
        return items[0] if len(items) == 1 else ("op", keyword, items, pos)

    def or_(self) -> tuple:
        self.nest()
        tree = self._chain("or", self.and_)
        self.depth -= 1
        return tree

    def and_(self) -> tuple:
        return self._chain("and", self.not_)

    def not_(self) -> tuple:
        pos = self.pos()
        if self.word("not"):
            self.nest()
            tree = ("op", "not", [self.not_()], pos)
            self.depth -= 1
            return tree
        return self.compare()

    def compare(self) -> tuple:
        left = self.sum_()
        pos = self.pos()
        for symbol in ("==", "!=", "<=", ">=", "<", ">"):
            if self.peek(symbol):
                self.i += len(symbol)
                tree = ("op", _COMPARE[symbol], [left, self.sum_()], pos)
                if any(self.peek(s) for s in ("==", "!=", "<", ">")):
                    raise self.error("comparisons do not chain: add parentheses")
                return tree
        return left

    def _binary(self, table: dict[str, str], operand: Any) -> tuple:
        tree = operand()
        while True:
            pos = self.pos()
            symbol = next((s for s in table if self.peek(s)), None)  # tables list longer symbols first
            if symbol is None:
                return tree
            self.i += len(symbol)
            tree = ("op", table[symbol], [tree, operand()], pos)

    def sum_(self) -> tuple:
        return self._binary(_SUM, self.term)

    def term(self) -> tuple:
        return self._binary(_TERM, self.unary)

    def unary(self) -> tuple:
        pos = self.pos()
        if self.peek("-") and not self.text[self.i + 1 : self.i + 2].isdigit():
            self.i += 1
            self.nest()
            tree = ("op", "neg", [self.unary()], pos)
            self.depth -= 1
            return tree
        return self.power()

    def power(self) -> tuple:
        base = self.postfix()
        pos = self.pos()
        if self.peek("**"):
            self.i += 2
            self.nest()
            tree = ("op", "pow", [base, self.unary()], pos)
            self.depth -= 1
            return tree
        return base

    def postfix(self) -> tuple:
        tree = self.atom()
        while True:
            pos = self.pos()
            if self.peek("["):
                self.i += 1
                self.nest()
                tree = ("op", "index", [tree, self.or_()], pos)
                self.depth -= 1
                self.expect("]")
            elif self.peek("."):
                self.i += 1
                key = _IDENT.match(self.text, self.i)
                if key is None:
                    raise self.error("expected a field name after '.'")
                self.i = key.end()
                tree = ("op", "get_field", [tree, ("lit", key.group())], pos)
            else:
                return tree

    def atom(self) -> tuple:
        self.ws()
        pos = self.pos()
        text, i = self.text, self.i
        if i >= len(text):
            raise self.error("expected an expression")
        ch = text[i]
        if ch == "(":
            self.i += 1
            self.nest()
            tree = self.or_()
            self.depth -= 1
            self.expect(")")
            return tree
        if ch == "$":
            temp = _TEMP.match(text, i)
            if temp is None:
                raise self.error("expected a temporary like $1")
            self.i = temp.end()
            return ("temp", temp.group(), pos)
        ident = _IDENT.match(text, i)
        if ident is None:
            return ("lit", self.literal())
        name = ident.group()
        self.i = ident.end()
        if name in _LITERALS:
            return ("lit", _LITERALS[name])
        if not self.peek("("):
            if name in KEYWORDS and name != "self":
                raise self.error(f"unexpected keyword {name!r}")
            return ("name", name, pos)
        self.i += 1
        if name == "const":
            value = self.literal()
            self.expect(")")
            return ("const", value)
        args = self.args()
        if name == "call":
            if not args or args[0][0] != "lit" or not isinstance(args[0][1], str):
                raise self.error("call(...) needs a function name string first")
            return ("call", args[0][1], args[1:], pos)
        if name in _EXPRESSION_OPS:
            return ("op", name, args, pos)
        if name in KEYWORDS:
            raise self.error(f"unexpected keyword {name!r}")
        return ("call", name, args, pos)

    def args(self) -> list[tuple]:
        """Comma-separated expressions up to ')' (already past '(')."""
        self.nest()
        out: list[tuple] = []
        if not self.peek(")"):
            out.append(self.or_())
            while self.peek(","):
                self.i += 1
                out.append(self.or_())
                if len(out) > 64:
                    raise self.error("too many arguments")
        self.expect(")")
        self.depth -= 1
        return out

    def literal(self) -> Any:
        """A JSON literal (number, string, array, object) at the cursor."""
        self.ws()
        try:
            value, end = _JSON.raw_decode(self.text, self.i)
        except (ValueError, RecursionError):
            raise self.error("expected an expression") from None
        self.i = end
        return value


# ======================================================================================
# ANRF -> text
# ======================================================================================


def to_compact(anrf: dict[str, Any]) -> str:
    """The canonical compact text of a document built by anrf_lsp.program.builder.

    The text is checked by assembling it again: a document the builder could not
    have produced (or that the text cannot reproduce) raises CompactError."""
    try:
        renderer = _Renderer(anrf)
        request = renderer.request()
        text = renderer.render({})
        if assemble(text, request) == anrf:
            return text
        # per-function complexity overrides do not show in the document: declare them
        target = anrf["execution"]["properties"]["complexity"]
        text = renderer.render({name: target for name in renderer.function_names})
        if assemble(text, request) == anrf:
            return text
    except CompactError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, StopIteration) as exc:
        raise CompactError(f"not a builder document: {type(exc).__name__}: {exc}") from None
    raise CompactError("the compact text does not reproduce this document exactly")


class _Renderer:
    """Reads a builder document back into program text (see `_FunctionText`)."""

    def __init__(self, doc: dict[str, Any]):
        self.doc = doc
        self.kind = doc["intent"]["intent_type"]
        sem = doc["semantic"]
        self.types = {t["type_id"]: t for t in sem["types"]}
        self.sem_nodes = sem["nodes"]
        self.sem_edges = sem["edges"]
        self.by_exec = {ref: n for n in self.sem_nodes if n["node_type"] != "function" for ref in n["execution_refs"][:1]}
        self.parent = {e["target_id"]: e["source_id"] for e in self.sem_edges if e["edge_type"] == "contains"}
        self.functions = [n for n in self.sem_nodes if n["node_type"] == "function"]
        self.function_names = [n["label"] for n in self.functions]
        nodes = doc["execution"]["nodes"]
        starts = [i for i, n in enumerate(nodes) if n["operation"] == "function_def"]
        self.segments = [nodes[a:b] for a, b in zip(starts, [*starts[1:], len(nodes)])]
        owner = {n["node_id"]: k for k, seg in enumerate(self.segments) for n in seg}
        self.edges: list[list[dict]] = [[] for _ in self.segments]
        for e in doc["execution"]["edges"]:
            self.edges[owner[e["source_id"]]].append(e)
        if len(self.segments) != len(self.functions):
            raise CompactError("function_def nodes and function semantic nodes differ")

    def request(self) -> BuildRequest:
        intent = self.doc["intent"]
        module = [n["label"] for n in self.sem_nodes if n["node_type"] == "module"]
        name = module[0] if module else self.function_names[0]
        generated_by = (self.doc.get("metadata") or {}).get("generated_by", GENERATED_BY)
        return BuildRequest(self.doc["anrf_id"], name, (), intent["description"], tuple(intent["constraints"]), generated_by)

    def type_spec(self, type_id: str) -> str:
        entry = self.types[type_id]
        kind = entry["type_kind"]
        if kind == "nullable":
            return self.type_spec(entry["properties"]["element_type"]) + "?"
        if kind == "array":
            return f"list[{self.type_spec(entry['properties']['element_type'])}]"
        if kind == "struct":
            return entry["name"]
        return _BASE_BY_TYPE_ID[type_id]

    def render(self, complexity: dict[str, str]) -> str:
        out: list[str] = []
        tags = self.doc["intent"]["tags"]
        if tags:
            if any(not t or any(c.isspace() for c in t) for t in tags):
                raise CompactError("tags must be single words")
            out.append("@tags " + " ".join(tags))
        fns = list(zip(self.functions, self.segments, self.edges))
        if self.kind == "module":
            out.append("module " + _checked_name(self.request().name))
            out += [line for fn in fns for line in self.function(fn, "", None, complexity)]
        elif self.kind == "class":
            members = {e["target_id"]: e["source_id"] for e in self.sem_edges if e["edge_type"] == "has_member"}
            for cls in (n for n in self.sem_nodes if n["node_type"] == "class"):
                name = _checked_name(cls["label"])
                out.append(f"class {name}:")
                out += [f"{INDENT}{_checked_name(f['name'])}: {self.type_spec(f['type_id'])}" for f in self.types[cls["properties"]["type"]]["fields"]]
                mine = [fn for fn in fns if members.get(fn[0]["node_id"]) == cls["node_id"]]
                if fns[: len(mine)] != mine or not mine:
                    raise CompactError("class methods must come one class after another")
                fns = fns[len(mine) :]
                out += [line for fn in mine for line in self.function(fn, INDENT, name, complexity)]
            if fns:
                raise CompactError("a class document holds only methods")
        else:
            out += [line for fn in fns for line in self.function(fn, "", None, complexity)]
        return "\n".join(out) + "\n"

    def function(self, fn: tuple, indent: str, cls: str | None, complexity: dict[str, str]) -> list[str]:
        sem, nodes, edges = fn
        name = sem["label"]
        if cls is not None:
            if not name.startswith(cls + "."):
                raise CompactError(f"method {name!r} is not named after its class")
            name = name[len(cls) + 1 :]
        params = [n for n in nodes[1:] if n["operation"] == "parameter"]
        shown = []
        for i, p in enumerate(params):
            pname = p["properties"]["name"]
            spec = self.type_spec(self.by_exec[p["node_id"]]["properties"]["type"])
            if cls is not None and i == 0 and pname == "self" and spec == cls:
                shown.append("self")
            else:
                shown.append(f"{_checked_name(pname, allow_self=True)}: {spec}")
        head = f"{indent}function {_checked_name(name)}({', '.join(shown)}) -> {self.type_spec(sem['properties']['return_type'])}:"
        lines = [f"{indent}@complexity {complexity[sem['label']]}"] if sem["label"] in complexity else []
        body = _FunctionText(self, sem["node_id"], nodes, edges, indent + INDENT).lines()
        return [*lines, head, *body]


def _checked_name(name: str, allow_self: bool = False) -> str:
    if not _IDENT.fullmatch(name) or (name in KEYWORDS and not (allow_self and name == "self")):
        raise CompactError(f"{name!r} is not a plain identifier")
    return name


@dataclass
class _Frame:
    kind: str  # root | if | else | loop
    node: str
    sem: str
    indent: str
    true_tails: list = field(default_factory=list)
    has_lines: bool = False


class _FunctionText:
    """One function's body as text.

    Nodes are replayed in creation order. Expression nodes wait on a stack until a
    consumer takes them inline (each used once, in the order the builder would
    create them again); any other expression gets a `$k = ...` line of its own.
    Statements are emitted in control-chain order; where an if/else block closes is
    read off the chain edges (`tails`, as in the builder) and, where two shapes give
    the same edges, off the semantic nesting of the next if/loop."""

    def __init__(self, owner: _Renderer, sem_id: str, nodes: list[dict], edges: list[dict], indent: str):
        self.r = owner
        self.nodes = nodes
        self.by_id = {n["node_id"]: n for n in nodes}
        self.incoming: dict[str, list[tuple[str, str]]] = {}
        for e in edges:
            self.incoming.setdefault(e["target_id"], []).append((e["source_id"], e["edge_type"]))
        self.order = list(self.incoming)  # statements in the order they joined the chain
        self.users: dict[str, int] = {}
        for n in nodes:
            for ref in n["inputs"]:
                self.users[ref] = self.users.get(ref, 0) + 1
        self.out: list[str] = []
        self.frames = [_Frame("root", nodes[0]["node_id"], sem_id, indent)]
        self.last_closed = self.frames[0]
        self.tails: list[tuple[str, str]] = [(nodes[0]["node_id"], "control_flow")]
        self.pending: list[str] = []
        self.inline: set[str] = set()
        self.temps: dict[str, str] = {}
        self.bound: dict[str, str] = {}  # name -> node id it means right now
        self.created: set[str] = set()
        self.emitted = 0

    def op(self, node_id: str) -> str:
        return self.by_id[node_id]["operation"]

    def lines(self) -> list[str]:
        params = [n["node_id"] for n in self.nodes[1:] if n["operation"] == "parameter"]
        if self.order[: len(params)] != params:
            raise CompactError("parameters must open the control chain")
        for p in params:
            self.check_edges(p)
            self.tails = [(p, "control_flow")]
            self.bound[self.by_id[p]["properties"]["name"]] = p
            self.created.add(p)
        self.emitted = len(params)
        for node in self.nodes[1 + len(params) :]:
            self.create(node)
            while self.emitted < len(self.order) and self.order[self.emitted] in self.created:
                self.emit(self.order[self.emitted])
                self.emitted += 1
        if self.emitted != len(self.order):
            raise CompactError("a statement joins the chain before it exists")
        self.flush(len(self.pending))
        if not self.out:
            self.line("pass")
        return self.out

    # -- expressions --------------------------------------------------------------

    def create(self, node: dict) -> None:
        node_id, op = node["node_id"], node["operation"]
        if op in ("function_def", "parameter"):
            raise CompactError("function_def and parameters come first")
        if op not in ("constant", "call") and op in OPS and OPS[op].category not in ("structure", "control") and node["properties"]:
            raise CompactError(f"'{op}' node with properties")
        self.created.add(node_id)
        distinct = list(dict.fromkeys(node["inputs"]))
        waiting = [r for r in distinct if r in self.pending and self.op(r) != "constant" and self.users.get(r) == 1]
        waiting += [r for r in distinct if r in self.pending and self.op(r) == "constant"]
        if waiting and self.pending[-len(waiting) :] == waiting:
            del self.pending[-len(waiting) :]
            self.inline.update(waiting)
        self.pending.append(node_id)

    def flush(self, count: int) -> None:
        """Give the first `count` waiting expressions `$k = ...` lines of their own."""
        for node_id in self.pending[:count]:
            self.hoist(node_id)
        del self.pending[:count]

    def hoist(self, node_id: str) -> str:
        temp = self.temps[node_id] = f"${len(self.temps) + 1}"
        self.line(f"{temp} = {self.expr(node_id, 0, as_value=True)}")
        return temp

    def literal(self, node: dict) -> str:
        text = node["properties"]["value"]
        value = json.loads(text)
        if json.dumps(value, ensure_ascii=False) != text:
            raise CompactError(f"constant {text!r} is not in canonical JSON form")
        return text

    def ref(self, node_id: str, min_prec: int = 0) -> str:
        """An operand: inline expression, literal, name or temporary."""
        node = self.by_id[node_id]
        op = node["operation"]
        if op == "constant":
            return self.literal(node)
        if node_id in self.inline:
            return self.expr(node_id, min_prec)
        if op in ("parameter", "variable_def", "for_each"):
            name = node["properties"]["name" if op != "for_each" else "iterator"]
            if self.bound.get(name) != node_id:
                raise CompactError(f"name {name!r} is shadowed where it is used")
            return name
        if node_id not in self.temps:
            raise CompactError(f"'{node_id}' is used before it can be named")
        return self.temps[node_id]

    def expr(self, node_id: str, min_prec: int = 0, as_value: bool = False) -> str:
        node = self.by_id[node_id]
        if as_value and node["operation"] == "constant":
            return self.literal(node)
        text, prec = self.op_text(node)
        return f"({text})" if prec < min_prec else text

    def op_text(self, node: dict) -> tuple[str, int]:
        op, ins = node["operation"], node["inputs"]
        if op in INFIX:
            symbol, prec = INFIX[op]
            if op in ("and", "or"):
                return f" {symbol} ".join(self.ref(r, prec + 1) for r in ins), prec
            left = prec + 1 if prec == 4 else ATOM_PRECEDENCE if op == "pow" else prec
            right = 8 if op == "pow" else prec + 1
            return f"{self.ref(ins[0], left)} {symbol} {self.ref(ins[1], right)}", prec
        if op == "neg":
            inner = self.ref(ins[0], 8)
            return (f"-({inner})" if inner[:1].isdigit() or inner.startswith("-") else f"-{inner}"), 8
        if op == "not":
            return f"not {self.ref(ins[0], 3)}", 3
        if op == "index":
            return f"{self.ref(ins[0], ATOM_PRECEDENCE)}[{self.ref(ins[1])}]", ATOM_PRECEDENCE
        if op == "get_field" and self.by_id[ins[1]]["operation"] == "constant":
            key = json.loads(self.by_id[ins[1]]["properties"]["value"])
            if isinstance(key, str) and _IDENT.fullmatch(key):
                return f"{self.ref(ins[0], ATOM_PRECEDENCE)}.{key}", ATOM_PRECEDENCE
        args = ", ".join(self.ref(r) for r in ins)
        if op == "call":
            name = node["properties"]["function"]
            if _IDENT.fullmatch(name) and name not in KEYWORDS and name not in _EXPRESSION_OPS:
                return f"{name}({args})", ATOM_PRECEDENCE
            return f"call({json.dumps(name, ensure_ascii=False)}{', ' if args else ''}{args})", ATOM_PRECEDENCE
        if op not in _EXPRESSION_OPS:
            raise CompactError(f"'{op}' is not an expression")
        return f"{op}({args})", ATOM_PRECEDENCE

    # -- statements ------------------------------------------------------------------

    def line(self, text: str) -> None:
        self.out.append(self.frames[-1].indent + text)
        for frame in self.frames:
            frame.has_lines = True

    def check_edges(self, node_id: str) -> None:
        if self.incoming.get(node_id, []) != self.tails:
            raise CompactError(f"the control edges into '{node_id}' are not the builder's")

    def close(self) -> None:
        frame = self.frames.pop()
        if not frame.has_lines:
            self.out.append(frame.indent + "pass")
        if frame.kind == "if":
            frame.true_tails = self.tails
            self.tails = [*self.tails, (frame.node, "false_branch")]
            self.last_closed = frame
        elif frame.kind == "else":
            self.tails = [*frame.true_tails, *self.tails]
            self.last_closed = frame

    def emit(self, node_id: str) -> None:
        node = self.by_id[node_id]
        op = node["operation"]
        if op == "end_loop":
            self.flush(self.pending.index(node_id))
            self.pending.remove(node_id)
            while self.frames[-1].kind in ("if", "else"):
                self.close()
            if self.frames[-1].kind != "loop":
                raise CompactError(f"end_loop '{node_id}' outside a loop")
            self.check_edges(node_id)
            self.close()
            self.tails = [(node_id, "control_flow")]
            return
        self.arrange(node_id)
        self.check_edges(node_id)
        if node_id in self.pending:  # else it already has a `$k = ...` line
            self.flush(self.pending.index(node_id))
            self.pending.remove(node_id)
        self.statement(node)

    def arrange(self, node_id: str) -> None:
        """Close if/else blocks (and open an else) so that the chain reaches `node_id` as built."""
        want = self.incoming.get(node_id, [])
        options = []  # (depth, closes, open_else)
        frames, tails = list(self.frames), list(self.tails)
        closable = 0
        while frames[-1 - closable].kind in ("if", "else"):
            closable += 1
        for closes in range(closable + 1):
            sim = self.simulate(closes, False)
            if sim[1] == want:
                options.append((len(sim[0]), closes, False, sim[0]))
            if closes and self.frames[-closes].kind == "if":
                sim = self.simulate(closes, True)
                if sim[1] == want:
                    options.append((len(sim[0]), closes, True, sim[0]))
        self.frames, self.tails = frames, tails
        if not options:
            raise CompactError(f"the control edges into '{node_id}' are not the builder's")
        parent = self.next_control_parent()
        feasible = [o for o in options if parent is None or parent in {f.sem for f in o[3]}] or options
        _, closes, open_else, _ = min(feasible, key=lambda o: o[0])
        for _ in range(closes):
            self.close()
        if open_else:
            closed = self.last_closed
            self.out.append(closed.indent[: -len(INDENT)] + "else:")
            self.frames.append(_Frame("else", closed.node, closed.sem, closed.indent, closed.true_tails))
            self.tails = [(closed.node, "false_branch")]

    def simulate(self, closes: int, open_else: bool) -> tuple[list[_Frame], list[tuple[str, str]]]:
        frames = list(self.frames)
        tails = list(self.tails)
        closed = None
        for _ in range(closes):
            closed = frames.pop()
            if closed.kind == "if":
                true_tails = tails
                tails = [*tails, (closed.node, "false_branch")]
                closed = _Frame("if", closed.node, closed.sem, closed.indent, true_tails)
            else:
                tails = [*closed.true_tails, *tails]
        if open_else and closed is not None:
            frames.append(_Frame("else", closed.node, closed.sem, closed.indent, closed.true_tails))
            tails = [(closed.node, "false_branch")]
        return frames, tails

    def next_control_parent(self) -> str | None:
        """The semantic parent of the next if/loop: the block it must still be inside."""
        for node_id in self.order[self.emitted :]:
            if self.op(node_id) in ("if", "for_each", "while"):
                sem = self.r.by_exec.get(node_id)
                return self.r.parent.get(sem["node_id"]) if sem else None
        return None

    def statement(self, node: dict) -> None:
        node_id, op, ins = node["node_id"], node["operation"], node["inputs"]
        if op == "if":
            self.line(f"if {self.ref(ins[0])}:")
            self.open("if", node_id, (node_id, "true_branch"))
        elif op == "for_each":
            source = self.ref(ins[0])
            iterator = _checked_name(node["properties"]["iterator"])
            self.line(f"for {iterator} in {source}:")
            self.bound[iterator] = node_id
            self.open("loop", node_id, (node_id, "loop_body"))
        elif op == "while":
            self.line(f"while {self.ref(ins[0])}:")
            self.open("loop", node_id, (node_id, "loop_body"))
        elif op in ("return", "break", "continue"):
            self.line(f"return {self.ref(ins[0])}" if ins else op)
            self.tails = []
        elif op == "variable_def":
            name = _checked_name(node["properties"]["name"])
            spec = self.r.type_spec(self.r.by_exec[node_id]["properties"]["type"])
            if ins:
                value = self.ref(ins[0])
                init = f" = const({value})" if self.op(ins[0]) == "constant" else f" = {value}"
            else:
                init = f" = {node['properties']['initial_value']}" if "initial_value" in node["properties"] else ""
            self.line(f"{name}: {spec}{init}")
            self.bound[name] = node_id
            self.tails = [(node_id, "control_flow")]
        else:
            self.assignment(node)
            self.tails = [(node_id, "control_flow")]

    def assignment(self, node: dict) -> None:
        """`target = value` (an assign, or a fresh expression that assigns), or an expression statement."""
        node_id, outputs = node["node_id"], node["outputs"]
        if node["operation"] == "assign":
            value = self.ref(node["inputs"][0])
        elif node_id in self.temps:
            value = self.temps[node_id]
        elif self.users.get(node_id):
            value = self.hoist(node_id)
        else:
            value = self.expr(node_id)
        if outputs:
            target = self.by_id[outputs[0]]
            name = target["properties"]["name"]
            if self.bound.get(name) != outputs[0] or len(outputs) != 1:
                raise CompactError(f"assignment target {name!r} is shadowed")
            self.line(f"{name} = {value}")
        elif node["operation"] == "assign":
            raise CompactError("an assign without a target")
        else:
            self.line(value)

    def open(self, kind: str, node_id: str, tail: tuple[str, str]) -> None:
        sem = self.r.by_exec[node_id]["node_id"]
        self.frames.append(_Frame(kind, node_id, sem, self.frames[-1].indent + INDENT))
        self.tails = [tail]
