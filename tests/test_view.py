"""Pseudocode and structure views: exact text for the public example, structure for the
other examples, and no exceptions (or hangs) on broken graphs."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anrf_lsp.format.document import load_file
from anrf_lsp.format.model import Anrf
from anrf_lsp.view import render_pseudocode, render_structure

from .conftest import EXAMPLES, sum_doc
from .test_interpreter import const, flow, fn, program

SUM_PSEUDOCODE = """\
function sum(numbers):
    result = 0
    for num in numbers:
        result = result + num
    return result
"""


def example(name: str) -> Anrf:
    doc = load_file(str(EXAMPLES / "valid" / f"{name}.anrf.json"))
    assert doc.model is not None
    return doc.model


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def assert_rendered(text: str) -> None:
    """Rendered by the view itself, not by its last-resort fallback."""
    assert "cannot render" not in text
    assert text.endswith("\n")


# -- pseudocode of the examples -------------------------------------------------------------


def test_sum_pseudocode_is_exact():
    assert render_pseudocode(Anrf.model_validate(sum_doc())) == SUM_PSEUDOCODE


def test_max_of_list():
    assert render_pseudocode(example("max_of_list")) == """\
function max_of_list(numbers):
    if len(numbers) == 0:
        return null
    best = numbers[0]
    for num in numbers:
        if num > best:
            best = num
    return best
"""


def test_fizzbuzz_label_renders_an_elif_chain():
    assert render_pseudocode(example("fizzbuzz_label")) == """\
function fizzbuzz_label(n):
    if n % 15 == 0:
        return "FizzBuzz"
    elif n % 3 == 0:
        return "Fizz"
    elif n % 5 == 0:
        return "Buzz"
    else:
        return to_string(n)
"""


def test_gcd():
    lines = lines_of(render_pseudocode(example("gcd")))
    assert lines[0] == "function gcd(a, b):"
    assert "    while b != 0:" in lines
    assert "        b = a % b" in lines
    assert "        a = previous_b" in lines
    assert lines[-1] == "    return abs(a)"


def test_count_words():
    lines = lines_of(render_pseudocode(example("count_words")))
    assert lines[:4] == ["function count_words(text, min_length):", "    words = split(text)", "    count = 0", "    for word in words:"]
    assert "        if len(word) >= min_length:" in lines
    assert "            count = count + 1" in lines


def test_counter_class():
    text = render_pseudocode(example("counter"))
    assert text.startswith("# class Counter\n")
    lines = lines_of(text)
    assert "function Counter.new(start):" in lines
    assert '    return {"count": start}' in lines
    assert "function Counter.increment(self):" in lines
    assert "    self.count = self.count + 1" in lines
    assert "function Counter.add(self, amount):" in lines


def test_text_utils_module():
    lines = lines_of(render_pseudocode(example("text_utils")))
    assert "    return lower(strip(text))" in lines
    assert "    clean = normalize(word)" in lines
    assert "    return clean == reverse(clean)" in lines
    assert "        if is_palindrome(candidate):" in lines


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").glob("*.anrf.json")), ids=lambda p: p.name)
def test_every_valid_example_renders_every_function(path):
    doc = load_file(str(path))
    text = render_pseudocode(doc.model)
    assert_rendered(text)
    names = [n.properties["name"] for n in doc.model.execution.nodes if n.operation == "function_def"]
    headers = [line for line in lines_of(text) if line.startswith("function ")]
    assert [h.split("(")[0].removeprefix("function ") for h in headers] == names
    assert "# ..." not in text  # nothing that could not be structured


# -- expressions and statements ------------------------------------------------------------------


def render(nodes, edges) -> str:
    text = render_pseudocode(program(nodes, edges))
    assert_rendered(text)
    return text


def test_precedence_and_parentheses():
    nodes = [
        *fn("f", "a", "b", "c"),
        ("s", "add", ["a", "b"]), ("m", "mul", ["s", "c"]), ("m2", "mul", ["c", "s"]), ("d", "sub", ["a", "s"]),
        ("n", "neg", ["s"]), ("lt", "lt", ["m", "d"]), ("no", "not", ["lt"]), ("both", "and", ["no", "lt"]), ("either", "or", ["both", "lt"]),
        ("r", "return", ["either"]),
    ]
    text = render(nodes, flow("f", "a", "b", "c", "r"))
    assert "    return not (a + b) * c < a - (a + b) and (a + b) * c < a - (a + b) or (a + b) * c < a - (a + b)" in text
    nodes[-1] = ("r", "return", ["n"])
    assert "    return -(a + b)" in render(nodes, flow("f", "a", "b", "c", "r"))
    nodes[-1] = ("r", "return", ["m2"])
    assert "    return c * (a + b)" in render(nodes, flow("f", "a", "b", "c", "r"))


def test_function_style_calls_and_literals():
    nodes = [
        *fn("f", "xs"), const("k", "count"), const("sep", ", "), const("zero", 0), const("flag", True), const("none", None),
        ("l", "len", ["xs"]), ("i", "index", ["xs", "zero"]), ("j", "join", ["xs", "sep"]), ("lst", "list_new", ["l", "flag", "none"]),
        ("obj", "object_new", ["k", "lst"]), ("g", "get_field", ["obj", "k"]), ("c", "call", ["i", "j"], [], {"function": "helper"}),
        ("r", "return", ["g"]), ("r2", "return", ["c"]),
    ]
    text = render(nodes, flow("f", "xs", "r"))
    assert '    return {"count": [len(xs), true, null]}.count' in text
    assert 'helper(xs[0], join(xs, ", "))' in render(nodes, flow("f", "xs", "r2"))


def test_temporaries_for_reused_statement_values():
    nodes = [*fn("f", "x"), ("d", "add", ["x", "x"]), ("p", "upper", ["x"]), ("s", "mul", ["d", "d"]), ("r", "return", ["s"])]
    text = render(nodes, flow("f", "x", "d", "p", "s", "r"))
    assert lines_of(text)[1:] == ["    t1 = x + x", "    upper(x)", "    t2 = t1 * t1", "    return t2"]


def test_assign_forms_and_parameters():
    nodes = [
        *fn("f", "x"), ("v", "variable_def", [], [], {"name": "v", "initial_value": "[1]"}),
        ("a2", "assign", ["v", "x"]), ("inc", "add", ["x", "x"], ["x"]), ("r", "return", ["v"]),
    ]
    text = render(nodes, flow("f", "x", "v", "a2", "inc", "r"))
    assert lines_of(text)[1:] == ["    v = [1]", "    v = x", "    x = x + x", "    return v"]


def test_variable_off_the_chain_is_declared_first():
    nodes = [*fn("f", "x"), ("count", "variable_def", [], [], {"name": "count", "initial_value": "0"}),
             ("inc", "add", ["count", "x"], ["count"]), ("r", "return", ["count"])]
    text = render(nodes, flow("f", "x", "inc", "r"))
    assert lines_of(text)[1] == "    count = 0  # declared off the control chain"


def test_nested_loops_break_continue_while():
    nodes = [
        *fn("f", "xs"), ("outer", "for_each", ["xs"], [], {"iterator": "a"}), ("inner", "while", ["c"]), const("c", True),
        ("br", "if", ["c"]), ("br2", "if", ["c"]), ("stop", "break"), ("skip", "continue"), ("end_in", "end_loop"), ("end_out", "end_loop"),
        ("r", "return"),
    ]
    edges = flow("f", "xs", "outer") + [("outer", "inner", "loop_body"), ("inner", "br", "loop_body"), ("br", "stop", "true_branch"),
                                        ("br", "br2", "false_branch"), ("br2", "skip", "true_branch"), ("br2", "end_in", "false_branch")]
    edges += flow("end_in", "end_out", "r")
    assert lines_of(render(nodes, edges)) == [
        "function f(xs):", "    for a in xs:", "        while true:", "            if true:", "                break",
        "            elif true:", "                continue", "    return",
    ]


def test_if_without_else_and_empty_branches():
    nodes = [*fn("f", "x"), ("b", "if", ["x"]), ("r", "return", ["x"])]
    assert lines_of(render(nodes, flow("f", "x", "b", "r"))) == ["function f(x):", "    if x:", "        pass", "    return x"]
    edges = flow("f", "x", "b") + [("b", "r", "false_branch")]
    assert lines_of(render(nodes, edges)) == ["function f(x):", "    if x:", "        pass", "    else:", "        return x"]


def test_if_where_only_one_branch_rejoins():
    # if x: y = 1 else: return  -- then `return y`
    nodes = [*fn("f", "x"), ("y", "variable_def", [], [], {"name": "y"}), ("b", "if", ["x"]), const("one", 1),
             ("set", "assign", ["one"], ["y"]), ("early", "return"), ("r", "return", ["y"])]
    edges = flow("f", "x", "y", "b") + [("b", "set", "true_branch"), ("b", "early", "false_branch")] + flow("set", "r")
    assert lines_of(render(nodes, edges))[2:] == ["    if x:", "        y = 1", "        return y", "    else:", "        return"]


def test_empty_function():
    assert render(fn("f"), []) == "function f():\n    pass\n"


# -- broken graphs ----------------------------------------------------------------------


def test_control_cycle():
    nodes = [*fn("f", "x"), ("a", "add", ["x", "x"], ["x"]), ("b", "neg", ["x"], ["x"])]
    text = render(nodes, flow("f", "x", "a", "b", "a"))
    assert "# ... control continues at a (shown above)" in text


def test_dangling_references():
    nodes = [*fn("f", "x", "ghost_param"), ("a", "add", ["x", "ghost"], ["x", "nowhere"]), ("r", "return", ["a", "b"])]
    edges = flow("f", "x", "a", "r") + [("a", "missing_target"), ("missing_source", "r"), ("r", "a", "no_such_edge_type")]
    text = render(nodes, edges)
    assert "x = x + <missing ghost>" in text


def test_missing_loop_body_and_end_loop():
    nodes = [*fn("f", "xs"), ("loop", "for_each", ["xs"]), ("w", "while", []), ("body", "upper", ["xs"]), ("r", "return")]
    text = render(nodes, flow("f", "xs", "loop", "w", "r") + [("w", "body", "loop_body")])
    assert "    for loop in xs:\n        # ... no loop_body edge\n        pass" in text
    assert "    while <no condition>:" in text
    assert "# ... no end_loop closes this loop" in text


def test_statements_outside_loops_and_extra_successors():
    nodes = [*fn("f"), ("e", "end_loop"), ("br", "break"), ("k", "constant", [], [], {"value": "not json"}), ("x", "upper", ["k"]),
             ("y", "lower", ["k"])]
    text = render(nodes, flow("f", "e", "x", "br") + [("x", "y")])
    assert "# end_loop e outside any loop" in text
    assert 'upper("not json")' in text
    assert "# ... extra control successors of x ignored: y" in text
    assert "break  # outside any loop" in text


def test_expression_cycle_and_depth():
    nodes = [*fn("f"), ("a", "neg", ["b"]), ("b", "neg", ["a"]), ("r", "return", ["a"])]
    assert "<cycle at a>" in render(nodes, flow("f", "r"))
    deep = [*fn("f", "x"), *[(f"n{i}", "neg", [f"n{i + 1}"]) for i in range(500)], ("n500", "abs", ["x"]), ("r", "return", ["n0"])]
    assert "..." in render(deep, flow("f", "x", "r"))


def test_deep_nesting_is_cut_off():
    n = 300
    nodes = [*fn("f", "x"), *[(f"if{i}", "if", ["x"]) for i in range(n)], ("r", "return")]
    edges = flow("f", "x", "if0") + [(f"if{i}", f"if{i + 1}", "true_branch") for i in range(n - 1)] + [(f"if{n - 1}", "r", "true_branch")]
    assert "# ... nested too deeply to show" in render(nodes, edges)


def test_long_chains_render_quickly():
    n = 5000
    nodes = [*fn("f", "x"), *[(f"s{i}", "add", ["x", "x"], ["x"]) for i in range(n)], *[(f"if{i}", "if", ["x"]) for i in range(n)]]
    chain = []
    for i in range(n):
        chain += [f"s{i}", f"if{i}"]
    edges = flow("f", "x", *chain) + [(f"if{i}", f"s{i + 1}", "true_branch") for i in range(n - 1)]
    start = time.perf_counter()
    text = render(nodes, edges)
    assert time.perf_counter() - start < 5
    assert text.count("x = x + x") == n


def test_other_formats_and_empty_documents():
    doc = Anrf.model_validate({**sum_doc(), "execution": {"format": "bytecode", "code": "AAEC"}})
    assert render_pseudocode(doc) == "# execution format 'bytecode' has no graph to render\n"
    assert render_pseudocode(Anrf()) == "# no function_def node in the execution layer\n"
    assert_rendered(render_structure(Anrf()))
    assert "code: 4 base64 characters" in render_structure(doc)


def test_unparsable_document_still_renders():
    doc = load_file(str(EXAMPLES / "invalid" / "syntax_error.anrf.json"))
    assert_rendered(render_pseudocode(doc.model))
    assert_rendered(render_structure(doc.model))


_OPS = ["function_def", "parameter", "variable_def", "constant", "add", "if", "for_each", "while", "end_loop", "break", "continue",
        "return", "call", "assign", "set_field", "get_field", "and", "bogus", ""]
_EDGE_TYPES = ["control_flow", "control_flow", "true_branch", "false_branch", "loop_body", "data_flow"]


@st.composite
def random_graphs(draw):
    n = draw(st.integers(1, 14))
    ids = [f"n{i}" for i in range(n)] + ["ghost"]
    nodes = []
    for i in range(n):
        op = draw(st.sampled_from(_OPS))
        refs = st.lists(st.sampled_from(ids), max_size=3)
        props = draw(st.dictionaries(st.sampled_from(["name", "iterator", "value", "function", "initial_value"]), st.sampled_from(["x", "1", "\"s\"", ""]), max_size=2))
        nodes.append({"node_id": draw(st.sampled_from(ids[:n])) if draw(st.booleans()) and i else f"n{i}", "operation": op,
                      "inputs": draw(refs), "outputs": draw(refs), "properties": props})
    nodes[0]["operation"] = "function_def"
    edges = [{"edge_id": f"e{k}", "source_id": a, "target_id": b, "edge_type": t}
             for k, (a, b, t) in enumerate(draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids), st.sampled_from(_EDGE_TYPES)), max_size=3 * n)))]
    return Anrf.model_validate({"anrf_id": "fuzz", "version": "v1", "execution": {"nodes": nodes, "edges": edges}})


@settings(max_examples=200, deadline=None)
@given(random_graphs())
def test_random_graphs_never_break_the_views(doc):
    assert_rendered(render_pseudocode(doc))
    assert_rendered(render_structure(doc))


# -- structure view ----------------------------------------------------------------------


def test_structure_of_the_public_example():
    text = render_structure(Anrf.model_validate(sum_doc()))
    lines = lines_of(text)
    assert lines[0] == "ANRF func_123456 (v1)"
    for heading in ("Intent: function", "Semantic (3 nodes, 2 edges, 2 types)", "Execution (graph, 7 nodes, 6 edges)", "Metadata"):
        assert heading in lines
    assert "  Calculate the sum of an array of numbers" in lines
    assert "    - performance: Linear time complexity O(n)" in lines
    assert "  function sum -> Number  [func_sum]  exec: exec_node_1" in lines
    assert "    parameter numbers: Number[]  [param_numbers]  exec: exec_node_2" in lines
    assert "    type_number_array  Number[]  array of Number" in lines
    assert any(line.split()[:3] == ["exec_node_4", "for_each", "num"] for line in lines)
    assert "    exec_node_4 -loop_body-> exec_node_5" in lines
    assert "  confidence_score: 0.95" in lines


def test_structure_groups_members_and_fields():
    lines = lines_of(render_structure(example("counter")))
    assert "  class Counter: Counter  [class_counter]" in lines
    members = [line for line in lines if line.startswith("    function Counter.")]
    assert len(members) == 3
    assert "      .count: Number" in lines
    assert any(line.startswith("      parameter self: Counter") for line in lines)


def test_structure_lists_relations_and_stays_narrow():
    for path in sorted((EXAMPLES / "valid").glob("*.anrf.json")):
        text = render_structure(load_file(str(path)).model)
        assert_rendered(text)
        assert max(len(line) for line in lines_of(text)) <= 100, path.name
    assert "    count_palindromes -calls-> is_palindrome" in lines_of(render_structure(example("text_utils")))


def test_structure_survives_broken_semantic_layer():
    doc = sum_doc()
    sem = doc["semantic"]
    sem["edges"] += [
        {"edge_id": "c1", "source_id": "var_result", "target_id": "func_sum", "edge_type": "contains"},  # cycle with declares
        {"edge_id": "c2", "source_id": "nowhere", "target_id": "func_sum", "edge_type": "calls"},
    ]
    sem["nodes"][1]["properties"]["type"] = "type_missing"
    sem["types"][1]["parent_type"] = "type_number_array"
    text = render_structure(Anrf.model_validate(doc))
    assert_rendered(text)
    assert "parameter numbers: ?type_missing" in text
    assert "<missing nowhere> -calls-> sum" in text
    assert sum(1 for line in lines_of(text) if "[var_result]" in line) == 1


def test_structure_of_long_values_is_folded():
    doc = sum_doc()
    doc["intent"]["description"] = "word " * 100
    doc["execution"]["nodes"][0]["properties"]["name"] = json.dumps("x" * 300)
    text = render_structure(Anrf.model_validate(doc))
    assert_rendered(text)
    assert max(len(line) for line in lines_of(text)) <= 320


def test_an_assign_to_itself_renders_as_a_cycle():
    # Found by hypothesis: a statement whose assignment target is itself used to recurse forever.
    from anrf_lsp.format.model import Anrf, ExecEdge, ExecNode, ExecutionLayer

    nodes = [
        ExecNode(node_id="n0", operation="function_def"),
        ExecNode(node_id="n2", operation="assign", inputs=["n2", "n0"]),
    ]
    doc = Anrf(anrf_id="x", version="v1", execution=ExecutionLayer(nodes=nodes, edges=[ExecEdge(edge_id="e0", source_id="n0", target_id="n2", edge_type="control_flow")]))
    text = render_pseudocode(doc)
    assert "cannot render" not in text and "<cycle at n2>" in text
