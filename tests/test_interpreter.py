"""The interpreter: every operation of the op table, control flow, limits and the public example.

Documents are built with `program(nodes, edges)`: a node is a tuple
(id, operation, inputs=[], outputs=[], properties={}), an edge a tuple
(source, target, type="control_flow"); `flow(a, b, c)` chains control_flow edges.
"""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

import pytest

from anrf_lsp.execution.interpreter import AnrfRuntimeError, Interpreter, Limits, StepLimitExceeded, run_function
from anrf_lsp.execution.ops import OPS
from anrf_lsp.format.model import Anrf

from .conftest import sum_doc

# -- helpers ---------------------------------------------------------------------------


def program(nodes: list[tuple], edges: list[tuple] = ()) -> Anrf:
    exec_nodes = []
    for node in nodes:
        node_id, op, inputs, outputs, props = (*node, *([], [], {})[len(node) - 2 :])
        exec_nodes.append({"node_id": node_id, "operation": op, "inputs": list(inputs), "outputs": list(outputs), "properties": dict(props)})
    exec_edges = [
        {"edge_id": f"e{i}", "source_id": e[0], "target_id": e[1], "edge_type": e[2] if len(e) > 2 else "control_flow"}
        for i, e in enumerate(edges)
    ]
    return Anrf.model_validate({"anrf_id": "test", "version": "v1", "execution": {"format": "graph", "nodes": exec_nodes, "edges": exec_edges}})


def flow(*ids: str) -> list[tuple]:
    return list(pairwise(ids))


def fn(name: str, *params: str) -> list[tuple]:
    """A function_def node `name` with parameter nodes named like their ids."""
    return [(name, "function_def", list(params), [], {"name": name}), *[(p, "parameter", [], [], {"name": p}) for p in params]]


def const(node_id: str, value: Any) -> tuple:
    return (node_id, "constant", [], [], {"value": json.dumps(value)})


def var(node_id: str, initial: Any = None, inputs: list[str] = ()) -> tuple:
    props = {"name": node_id} if initial is None else {"name": node_id, "initial_value": json.dumps(initial)}
    return (node_id, "variable_def", list(inputs), [], props)


def run(nodes: list[tuple], edges: list[tuple], args: list[Any] = (), function: str | None = None, max_steps: int = 100_000) -> Any:
    return run_function(program(nodes, edges), list(args), function, Limits(max_steps=max_steps))


def apply(op: str, *args: Any, **props: str) -> Any:
    """Run one operation on arguments passed in as parameters: f(a0, a1, ...) = op(a0, a1, ...)."""
    params = [f"a{i}" for i in range(len(args))]
    nodes = [*fn("f", *params), ("r", op, params, [], props), ("ret", "return", ["r"])]
    return run(nodes, flow("f", *params, "ret"), list(args))


# -- every operation -------------------------------------------------------------------

VALUE_CASES = [
    ("add", (2, 3), 5),
    ("add", ("ab", "cd"), "abcd"),
    ("add", ([1], [2]), [1, 2]),
    ("sub", (5, 7), -2),
    ("mul", (4, 2.5), 10.0),
    ("div", (7, 2), 3.5),
    ("floordiv", (-7, 2), -4),
    ("mod", (-7, 3), 2),
    ("neg", (4,), -4),
    ("abs", (-4.5,), 4.5),
    ("pow", (2, 10), 1024),
    ("sqrt", (9,), 3.0),
    ("round", (2.5,), 2),
    ("round", (3.14159, 2), 3.14),
    ("min", ([3, 1, 2],), 1),
    ("min", (4, 2, 8), 2),
    ("max", ([3, 1, 2],), 3),
    ("max", ("b", "a"), "b"),
    ("eq", ([1, {"a": 2}], [1.0, {"a": 2}]), True),
    ("eq", (True, 1), False),
    ("ne", ("a", "b"), True),
    ("lt", (1, 2), True),
    ("lt", ("b", "a"), False),
    ("le", (2, 2), True),
    ("gt", (3, 2), True),
    ("ge", (1, 2), False),
    ("and", (True, True, False), False),
    ("and", (True, True), True),
    ("and", (False, 5), False),  # short-circuit: the second operand is never checked
    ("or", (False, True), True),
    ("or", (True, "not a boolean"), True),
    ("or", (False, False), False),
    ("not", (False,), True),
    ("list_new", (1, "a", None), [1, "a", None]),
    ("list_new", (), []),
    ("list_append", ([1], 2), [1, 2]),
    ("list_set", ([1, 2, 3], 1, "x"), [1, "x", 3]),
    ("index", ([10, 20, 30], -1), 30),
    ("index", ("hey", 1), "e"),
    ("index", ({"k": 5}, "k"), 5),
    ("len", ([1, 2],), 2),
    ("len", ("héllo",), 5),
    ("len", ({"a": 1},), 1),
    ("concat", ("a", "b", "c"), "abc"),
    ("concat", ([1], [2, 3]), [1, 2, 3]),
    ("slice", ("hello", 1, 3), "el"),
    ("slice", ([1, 2, 3, 4], 2), [3, 4]),
    ("slice", ([1, 2, 3], None, -1), [1, 2]),
    ("contains", ([1, 2], 2), True),
    ("contains", ("hello", "ell"), True),
    ("contains", ({"a": 1}, "b"), False),
    ("index_of", ([5, 6, 7], 7), 2),
    ("index_of", ("hello", "z"), -1),
    ("reverse", ([1, 2, 3],), [3, 2, 1]),
    ("reverse", ("abc",), "cba"),
    ("sort", ([3, 1, 2],), [1, 2, 3]),
    ("sort", (["b", "a"],), ["a", "b"]),
    ("range", (3,), [0, 1, 2]),
    ("range", (1, 10, 4), [1, 5, 9]),
    ("upper", ("abc",), "ABC"),
    ("lower", ("AbC",), "abc"),
    ("strip", ("  x \n",), "x"),
    ("split", ("a b  c",), ["a", "b", "c"]),
    ("split", ("a,b,,c", ","), ["a", "b", "", "c"]),
    ("join", (["a", "b"], "-"), "a-b"),
    ("join", (["a", "b"],), "ab"),
    ("replace", ("a-b-c", "-", "+"), "a+b+c"),
    ("starts_with", ("hello", "he"), True),
    ("ends_with", ("hello", "lo"), True),
    ("repeat", ("ab", 3), "ababab"),
    ("repeat", ([0], 2), [0, 0]),
    ("to_string", (2.0,), "2"),
    ("to_string", (True,), "true"),
    ("to_string", (None,), "null"),
    ("to_int", (" 42 ",), 42),
    ("to_int", (3.9,), 3),
    ("to_float", ("1.5",), 1.5),
    ("object_new", ("a", 1, "b", [2]), {"a": 1, "b": [2]}),
    ("get_field", ({"count": 3}, "count"), 3),
    ("set_field", ({"count": 3}, "count", 4), {"count": 4}),
    ("assign", (7,), 7),
]

ERROR_CASES = [
    ("add", (True, 1), "cannot take"),  # booleans are not numbers
    ("add", ("a", 1), "cannot take"),
    ("sub", ("a", "b"), "cannot take"),
    ("mul", ([1], 2), "cannot take"),
    ("div", (1, 0), "division by zero"),
    ("floordiv", (1, 0), "division by zero"),
    ("mod", (1, 0), "modulo by zero"),
    ("neg", ("x",), "cannot take"),
    ("abs", (None,), "cannot take"),
    ("pow", (2, 10_000), "exceeds"),
    ("pow", (0, -1), "negative power"),
    ("sqrt", (-1,), "negative"),
    ("round", ("1.5",), "cannot take"),
    ("min", ([],), "empty sequence"),
    ("min", ([1, "a"],), "all be numbers or all be strings"),
    ("max", ([None],), "all be numbers or all be strings"),
    ("lt", (1, "a"), "cannot take"),
    ("le", ([1], [2]), "cannot take"),
    ("gt", (None, 1), "cannot take"),
    ("ge", (True, False), "cannot take"),
    ("and", (1, True), "needs booleans"),
    ("or", (False, "x"), "needs booleans"),
    ("not", (0,), "cannot take"),
    ("list_append", ("abc", "d"), "cannot take"),
    ("list_set", ([1], 5, 0), "out of range"),
    ("index", ([1, 2], 2), "out of range"),
    ("index", ([1, 2], 0.5), "must be an integer"),
    ("index", ({"a": 1}, "b"), "no key"),
    ("len", (5,), "cannot take"),
    ("concat", ("a", [1]), "cannot take"),
    ("slice", (5, 1), "cannot take"),
    ("slice", ("abc", "x"), "must be an integer"),
    ("contains", ("abc", 1), "cannot take"),
    ("index_of", (5, 1), "cannot take"),
    ("reverse", (5,), "cannot take"),
    ("sort", ([1, "a"],), "sort needs"),
    ("range", (1, 5, 0), "step must not be zero"),
    ("range", (1.5,), "must be an integer"),
    ("upper", (1,), "cannot take"),
    ("lower", (None,), "cannot take"),
    ("strip", ([],), "cannot take"),
    ("split", ("a", ""), "empty separator"),
    ("join", ([1, 2],), "join needs a list of strings"),
    ("replace", ("abc", "", "x"), "empty search string"),
    ("starts_with", ("abc", 1), "cannot take"),
    ("ends_with", (1, "a"), "cannot take"),
    ("repeat", ("ab", 1.5), "must be an integer"),
    ("to_int", ("4x",), "not an integer"),
    ("to_int", (True,), "cannot take"),  # booleans are not numbers
    ("to_float", ("nan",), "not a finite number"),
    ("object_new", ("a",), "key, value pairs"),
    ("object_new", (1, 2), "cannot take"),
    ("get_field", ({"a": 1}, "b"), "no field"),
    ("get_field", ([1], "a"), "cannot take"),
    ("set_field", ("x", "a", 1), "cannot take"),
    ("add", (1,), "takes 2 input(s), got 1"),  # arity
    ("frobnicate", (1,), "unknown operation"),
]

# Operations covered by the control-flow tests below rather than by `apply`.
CONTROL_TESTED = {"function_def", "parameter", "variable_def", "constant", "if", "for_each", "while", "end_loop", "break", "continue", "return", "call"}


@pytest.mark.parametrize(("op", "args", "expected"), VALUE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(VALUE_CASES)])
def test_operation_value(op, args, expected):
    result = apply(op, *args)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(("op", "args", "message"), ERROR_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(ERROR_CASES)])
def test_operation_error(op, args, message):
    with pytest.raises(AnrfRuntimeError, match="at execution node 'r'") as exc:
        apply(op, *args)
    assert message in str(exc.value)


def test_every_operation_is_tested():
    tested = {c[0] for c in VALUE_CASES} | CONTROL_TESTED
    assert set(OPS) - tested == set()


def test_every_operation_with_an_error_path_has_an_error_test():
    no_error_path = {"eq", "ne", "assign", "list_new", "to_string"} | CONTROL_TESTED
    assert set(OPS) - {c[0] for c in ERROR_CASES} - no_error_path == set()


def test_constant_literals_and_fresh_copies():
    nodes = [
        *fn("f"), const("items", [1]), ("text", "constant", [], [], {"value": "plain text"}),
        ("grow", "list_append", ["items", "text"]), ("ret", "return", ["grow"]),
    ]
    doc = program(nodes, flow("f", "grow", "ret"))
    assert run_function(doc, []) == [1, "plain text"]
    assert run_function(doc, []) == [1, "plain text"]  # the constant was not changed by the first run
    assert doc.execution.nodes[1].properties["value"] == "[1]"


def test_constant_rejects_non_finite_json():
    nodes = [*fn("f"), ("nan", "constant", [], [], {"value": "NaN"}), ("ret", "return", ["nan"])]
    assert run(nodes, flow("f", "ret")) == "NaN"  # not JSON: taken as text, never float('nan')


def test_statement_only_operations_cannot_be_values():
    nodes = [*fn("f"), ("e", "end_loop"), ("bad", "add", ["e", "e"]), ("ret", "return", ["bad"])]
    with pytest.raises(AnrfRuntimeError, match="cannot be used as a value"):
        run(nodes, flow("f", "ret"))


# -- functions and values --------------------------------------------------------------


def test_public_example():
    doc = Anrf.model_validate(sum_doc())
    assert run_function(doc, [[1, 2, 3]]) == 6
    assert run_function(doc, [[]]) == 0
    assert run_function(doc, [[1.5, 2.5]]) == 4.0


def test_wrong_argument_count():
    with pytest.raises(AnrfRuntimeError, match="takes 1 argument"):
        run_function(Anrf.model_validate(sum_doc()), [])


def test_function_selection():
    nodes = [*fn("one"), const("c1", 1), ("r1", "return", ["c1"]), *fn("two"), const("c2", 2), ("r2", "return", ["c2"])]
    doc = program(nodes, flow("one", "r1") + flow("two", "r2"))
    assert run_function(doc, [], "two") == 2
    with pytest.raises(AnrfRuntimeError, match="several functions"):
        run_function(doc, [])
    with pytest.raises(AnrfRuntimeError, match="no function named 'three'"):
        run_function(doc, [], "three")
    with pytest.raises(AnrfRuntimeError, match="no function_def"):
        run_function(program([const("c", 1)]), [])


def test_running_off_the_end_returns_null():
    assert run(fn("f", "x"), flow("f", "x"), [1]) is None


def test_return_without_input_is_null():
    assert run([*fn("f"), ("ret", "return")], flow("f", "ret")) is None


def test_statement_value_reused_later():
    nodes = [*fn("f", "x"), ("double", "add", ["x", "x"]), ("square", "mul", ["double", "double"]), ("ret", "return", ["square"])]
    assert run(nodes, flow("f", "x", "double", "square", "ret"), [3]) == 36


def test_statement_value_used_before_it_ran():
    nodes = [*fn("f", "x"), ("ret", "return", ["later"]), ("later", "add", ["x", "x"])]
    with pytest.raises(AnrfRuntimeError, match="used before it ran"):
        run(nodes, flow("f", "x", "ret") + [("ret", "later")], [1])


def test_missing_operand_node():
    nodes = [*fn("f"), ("ret", "return", ["ghost"])]
    with pytest.raises(AnrfRuntimeError, match="missing execution node 'ghost'"):
        run(nodes, flow("f", "ret"))


def test_expression_cycle_is_bounded():
    nodes = [*fn("f"), ("a", "neg", ["b"]), ("b", "neg", ["a"]), ("ret", "return", ["a"])]
    with pytest.raises(AnrfRuntimeError, match="nested deeper"):
        run(nodes, flow("f", "ret"))


def test_only_graph_format_runs():
    doc = Anrf.model_validate({**sum_doc(), "execution": {**sum_doc()["execution"], "format": "bytecode"}})
    with pytest.raises(AnrfRuntimeError, match="only the 'graph'"):
        run_function(doc, [[1]])


# -- variables and assignment ------------------------------------------------------------


def test_variable_def_from_input_and_initial_value():
    nodes = [*fn("f", "x"), var("a", inputs=["x"]), var("b", 10), ("s", "add", ["a", "b"]), ("ret", "return", ["s"])]
    assert run(nodes, flow("f", "x", "a", "b", "ret"), [5]) == 15


def test_variable_without_initial_value_is_null():
    assert run([*fn("f"), var("v"), ("ret", "return", ["v"])], flow("f", "v", "ret")) is None


def test_variable_def_off_the_chain_is_initialised_lazily():
    # count is never a statement: it starts from initial_value on first use, then accumulates
    nodes = [
        *fn("f", "xs"), var("count", 100), ("loop", "for_each", ["xs"]), const("one", 1),
        ("inc", "add", ["count", "one"], ["count"]), ("end", "end_loop"), ("ret", "return", ["count"]),
    ]
    edges = flow("f", "xs", "loop") + [("loop", "inc", "loop_body")] + flow("inc", "end", "ret")
    assert run(nodes, edges, [[7, 8, 9]]) == 103
    assert run(nodes, edges, [[]]) == 100


def test_assignment_to_a_parameter_via_outputs():
    nodes = [*fn("f", "x"), const("ten", 10), ("bump", "add", ["x", "ten"], ["x"]), ("ret", "return", ["x"])]
    assert run(nodes, flow("f", "x", "bump", "ret"), [1]) == 11


def test_outputs_that_are_not_variables_are_hints():
    nodes = [*fn("f", "x"), ("d", "add", ["x", "x"], ["ret"]), ("ret", "return", ["x"])]
    assert run(nodes, flow("f", "x", "d", "ret"), [2]) == 2


def test_assign_with_one_input_and_several_targets():
    nodes = [*fn("f", "x"), var("a", 0), var("b", 0), ("set", "assign", ["x"], ["a", "b"]), ("s", "add", ["a", "b"]), ("ret", "return", ["s"])]
    assert run(nodes, flow("f", "x", "a", "b", "set", "ret"), [4]) == 8


def test_assign_with_two_inputs_targets_the_first():
    nodes = [*fn("f", "x"), var("a", 0), ("set", "assign", ["a", "x"]), ("ret", "return", ["a"])]
    assert run(nodes, flow("f", "x", "a", "set", "ret"), ["new"]) == "new"


# -- branches ------------------------------------------------------------------------------


def _abs_like(with_else: bool) -> tuple[list[tuple], list[tuple]]:
    nodes = [
        *fn("f", "x"), const("zero", 0), ("neg_test", "lt", ["x", "zero"]), ("branch", "if", ["neg_test"]),
        ("flip", "neg", ["x"], ["x"]), ("keep", "assign", ["x"], ["x"]), ("ret", "return", ["x"]),
    ]
    edges = flow("f", "x", "branch") + [("branch", "flip", "true_branch")] + flow("flip", "ret")
    if with_else:
        edges += [("branch", "keep", "false_branch")] + flow("keep", "ret")
    else:
        edges += [("branch", "ret")]  # no false_branch: a false condition continues along control_flow
    return nodes, edges


@pytest.mark.parametrize("with_else", [True, False])
def test_if(with_else):
    nodes, edges = _abs_like(with_else)
    assert run(nodes, edges, [-3]) == 3
    assert run(nodes, edges, [4]) == 4


def test_if_condition_must_be_boolean():
    nodes, edges = _abs_like(True)
    nodes[3] = ("branch", "if", ["x"])
    with pytest.raises(AnrfRuntimeError, match="if condition must be a boolean, got number"):
        run(nodes, edges, [1])


def test_elif_chain():
    nodes = [
        *fn("sign", "x"), const("zero", 0), ("is_neg", "lt", ["x", "zero"]), ("is_zero", "eq", ["x", "zero"]),
        ("if1", "if", ["is_neg"]), ("if2", "if", ["is_zero"]),
        const("minus", -1), const("plus", 1), ("r_neg", "return", ["minus"]), ("r_zero", "return", ["zero"]), ("r_pos", "return", ["plus"]),
    ]
    edges = flow("sign", "x", "if1") + [
        ("if1", "r_neg", "true_branch"), ("if1", "if2", "false_branch"), ("if2", "r_zero", "true_branch"), ("if2", "r_pos", "false_branch"),
    ]
    assert [run(nodes, edges, [v]) for v in (-5, 0, 5)] == [-1, 0, 1]


# -- loops -----------------------------------------------------------------------------------


def test_for_each_over_a_string():
    nodes = [
        *fn("f", "s"), var("n", 0), ("loop", "for_each", ["s"], [], {"iterator": "ch"}), const("a", "a"),
        ("is_a", "eq", ["loop", "a"]), ("branch", "if", ["is_a"]), const("one", 1),
        ("inc", "add", ["n", "one"], ["n"]), ("end", "end_loop"), ("ret", "return", ["n"]),
    ]
    edges = flow("f", "s", "n", "loop") + [("loop", "branch", "loop_body"), ("branch", "inc", "true_branch"), ("branch", "end", "false_branch")]
    edges += flow("inc", "end", "ret")
    assert run(nodes, edges, ["banana"]) == 3


def test_for_each_over_object_keys_and_bad_iterable():
    nodes = [*fn("f", "o"), var("keys", []), ("loop", "for_each", ["o"]), ("add", "list_append", ["keys", "loop"]), ("end", "end_loop"), ("ret", "return", ["keys"])]
    edges = flow("f", "o", "keys", "loop") + [("loop", "add", "loop_body")] + flow("add", "end", "ret")
    assert run(nodes, edges, [{"a": 1, "b": 2}]) == ["a", "b"]
    with pytest.raises(AnrfRuntimeError, match="for_each needs a list or string, got number"):
        run(nodes, edges, [5])


def test_for_each_iterates_a_snapshot():
    nodes = [*fn("f", "xs"), ("loop", "for_each", ["xs"]), ("grow", "list_append", ["xs", "loop"]), ("end", "end_loop"), ("ret", "return", ["xs"])]
    edges = flow("f", "xs", "loop") + [("loop", "grow", "loop_body")] + flow("grow", "end", "ret")
    assert run(nodes, edges, [[1, 2]]) == [1, 2, 1, 2]


def test_loop_value_outside_its_loop():
    nodes = [*fn("f", "xs"), ("loop", "for_each", ["xs"]), ("end", "end_loop"), ("ret", "return", ["loop"])]
    edges = flow("f", "xs", "loop") + [("loop", "end", "loop_body")] + flow("end", "ret")
    with pytest.raises(AnrfRuntimeError, match="used outside its loop"):
        run(nodes, edges, [[1]])


def test_nested_loops():
    # count pairs (a, b) with a < b
    nodes = [
        *fn("pairs", "xs"), var("count", 0), ("outer", "for_each", ["xs"], [], {"iterator": "a"}),
        ("inner", "for_each", ["xs"], [], {"iterator": "b"}), ("less", "lt", ["outer", "inner"]), ("branch", "if", ["less"]),
        const("one", 1), ("inc", "add", ["count", "one"], ["count"]), ("end_inner", "end_loop"), ("end_outer", "end_loop"),
        ("ret", "return", ["count"]),
    ]
    edges = flow("pairs", "xs", "count", "outer") + [("outer", "inner", "loop_body"), ("inner", "branch", "loop_body")]
    edges += [("branch", "inc", "true_branch"), ("branch", "end_inner", "false_branch")] + flow("inc", "end_inner", "end_outer", "ret")
    assert run(nodes, edges, [[3, 1, 2, 4]]) == 6
    assert run(nodes, edges, [[]]) == 0


def _while_countdown() -> tuple[list[tuple], list[tuple]]:
    nodes = [
        *fn("f", "n"), var("total", 0), const("zero", 0), ("positive", "gt", ["n", "zero"]), ("loop", "while", ["positive"]),
        ("acc", "add", ["total", "n"], ["total"]), const("one", 1), ("dec", "sub", ["n", "one"], ["n"]), ("end", "end_loop"),
        ("ret", "return", ["total"]),
    ]
    edges = flow("f", "n", "total", "loop") + [("loop", "acc", "loop_body")] + flow("acc", "dec", "end", "ret")
    return nodes, edges


def test_while():
    nodes, edges = _while_countdown()
    assert run(nodes, edges, [4]) == 10
    assert run(nodes, edges, [0]) == 0


def test_while_with_explicit_back_edge():
    nodes, edges = _while_countdown()
    edges.append(("end", "loop"))  # written back edge: allowed, same meaning
    assert run(nodes, edges, [3]) == 6


def test_while_condition_must_be_boolean():
    nodes, edges = _while_countdown()
    nodes[5] = ("loop", "while", ["n"])
    with pytest.raises(AnrfRuntimeError, match="while condition must be a boolean"):
        run(nodes, edges, [3])


def test_step_limit_on_an_infinite_while_loop():
    nodes = [*fn("f"), const("yes", True), ("loop", "while", ["yes"]), ("end", "end_loop"), ("ret", "return")]
    edges = flow("f", "loop") + [("loop", "end", "loop_body")] + flow("end", "ret")
    with pytest.raises(StepLimitExceeded, match="step limit of 1000 exceeded"):
        run(nodes, edges, max_steps=1000)


def test_loop_without_body_edge():
    nodes = [*fn("f", "xs"), ("loop", "for_each", ["xs"]), ("ret", "return")]
    with pytest.raises(AnrfRuntimeError, match="no loop_body"):
        run(nodes, flow("f", "xs", "loop", "ret"), [[1]])
    assert run(nodes, flow("f", "xs", "loop", "ret"), [[]]) is None  # zero iterations never need the body


def _first_negative_index(use_break: bool) -> tuple[list[tuple], list[tuple]]:
    nodes = [
        *fn("f", "xs"), var("i", 0), var("found", -1), ("loop", "for_each", ["xs"]), const("zero", 0), const("one", 1),
        ("neg", "lt", ["loop", "zero"]), ("branch", "if", ["neg"]), ("mark", "assign", ["i"], ["found"]),
        ("stop", "break"), ("ret_i", "return", ["i"]), ("inc", "add", ["i", "one"], ["i"]), ("end", "end_loop"),
        ("ret", "return", ["found"]),
    ]
    edges = flow("f", "xs", "i", "found", "loop") + [("loop", "branch", "loop_body"), ("branch", "inc", "false_branch")]
    if use_break:
        edges += [("branch", "mark", "true_branch")] + flow("mark", "stop")
    else:  # return from inside the loop
        edges += [("branch", "ret_i", "true_branch")]
    edges += flow("inc", "end", "ret")
    return nodes, edges


@pytest.mark.parametrize("use_break", [True, False])
def test_break_and_return_inside_a_loop(use_break):
    nodes, edges = _first_negative_index(use_break)
    assert run(nodes, edges, [[4, 2, -1, 5, -7]]) == 2
    assert run(nodes, edges, [[1, 2]]) == -1


def test_continue():
    # sum of the positive numbers
    nodes = [
        *fn("f", "xs"), var("total", 0), ("loop", "for_each", ["xs"]), const("zero", 0), ("neg", "le", ["loop", "zero"]),
        ("branch", "if", ["neg"]), ("skip", "continue"), ("acc", "add", ["total", "loop"], ["total"]), ("end", "end_loop"),
        ("ret", "return", ["total"]),
    ]
    edges = flow("f", "xs", "total", "loop") + [("loop", "branch", "loop_body"), ("branch", "skip", "true_branch"), ("branch", "acc", "false_branch")]
    edges += flow("acc", "end", "ret")
    assert run(nodes, edges, [[3, -2, 4, 0, -1]]) == 7


def test_break_inside_nested_loop_leaves_only_the_inner_loop():
    # for a in xs: for b in xs: count += 1; if b == 2: break
    nodes = [
        *fn("f", "xs"), var("count", 0), ("outer", "for_each", ["xs"]), ("inner", "for_each", ["xs"]), const("one", 1), const("two", 2),
        ("inc", "add", ["count", "one"], ["count"]), ("is_two", "eq", ["inner", "two"]), ("branch", "if", ["is_two"]), ("stop", "break"),
        ("end_inner", "end_loop"), ("end_outer", "end_loop"), ("ret", "return", ["count"]),
    ]
    edges = flow("f", "xs", "count", "outer") + [("outer", "inner", "loop_body"), ("inner", "inc", "loop_body")]
    edges += flow("inc", "branch") + [("branch", "stop", "true_branch"), ("branch", "end_inner", "false_branch")]
    edges += flow("end_inner", "end_outer", "ret")
    assert run(nodes, edges, [[1, 2, 3]]) == 6


def test_break_and_end_loop_outside_a_loop():
    with pytest.raises(AnrfRuntimeError, match="break outside a loop"):
        run([*fn("f"), ("b", "break")], flow("f", "b"))
    with pytest.raises(AnrfRuntimeError, match="end_loop reached outside any loop"):
        run([*fn("f"), ("e", "end_loop")], flow("f", "e"))


# -- calls -------------------------------------------------------------------------------------


def _factorial() -> tuple[list[tuple], list[tuple]]:
    nodes = [
        *fn("fact", "n"), const("one", 1), ("small", "le", ["n", "one"]), ("branch", "if", ["small"]),
        ("base", "return", ["one"]), ("n1", "sub", ["n", "one"]), ("rec", "call", ["n1"], [], {"function": "fact"}),
        ("prod", "mul", ["n", "rec"]), ("ret", "return", ["prod"]),
    ]
    edges = flow("fact", "n", "branch") + [("branch", "base", "true_branch"), ("branch", "ret", "false_branch")]
    return nodes, edges


def test_call_and_recursion():
    nodes, edges = _factorial()
    assert run(nodes, edges, [5]) == 120
    assert run(nodes, edges, [20]) == 2432902008176640000
    # a second function calling the first, as a statement
    nodes += [*fn("main", "k"), ("c", "call", ["k"], [], {"function": "fact"}), ("r", "return", ["c"])]
    edges += flow("main", "k", "c", "r")
    assert run(nodes, edges, [4], "main") == 24


def test_recursion_limit():
    nodes, edges = _factorial()
    doc = program(nodes, edges)
    with pytest.raises(AnrfRuntimeError, match="call depth limit of 10 exceeded"):
        Interpreter(doc, Limits(max_call_depth=10)).run("fact", [50])
    assert Interpreter(doc, Limits(max_call_depth=10)).run("fact", [9]) == 362880


def test_unbounded_recursion_hits_the_depth_limit():
    nodes = [*fn("loop_forever", "x"), ("again", "call", ["x"], [], {"function": "loop_forever"}), ("ret", "return", ["again"])]
    with pytest.raises(AnrfRuntimeError, match="call depth limit of 100 exceeded"):
        run(nodes, flow("loop_forever", "x", "ret"), [1])


def test_call_errors():
    nodes = [*fn("f", "x"), ("c", "call", ["x"], [], {"function": "nope"}), ("ret", "return", ["c"])]
    with pytest.raises(AnrfRuntimeError, match='call to unknown function "nope"'):
        run(nodes, flow("f", "x", "ret"), [1])
    nodes = [*fn("f", "x"), ("c", "call", [], [], {"function": "f"}), ("ret", "return", ["c"])]
    with pytest.raises(AnrfRuntimeError, match="takes 1 argument"):
        run(nodes, flow("f", "x", "ret"), [1])


def test_parameter_of_another_function():
    nodes = [*fn("f", "x"), *fn("g", "y"), ("ret", "return", ["y"])]
    with pytest.raises(AnrfRuntimeError, match="does not belong to function 'f'"):
        run(nodes, flow("f", "x", "ret") + flow("g", "y"), [1], "f")


def test_steps_are_counted():
    interp = Interpreter(Anrf.model_validate(sum_doc()))
    assert interp.run(None, [[1, 2, 3]]) == 6
    assert 0 < interp.steps < 50
