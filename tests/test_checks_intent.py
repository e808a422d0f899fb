"""Intent checks (ANRF401-403): complexity classes, the execution-layer estimate, and
running functions on empty input, on mutations of the public example."""

from __future__ import annotations

import json
import math

import pytest

from anrf_lsp.format.document import load_document
from checkers import check_text
from checkers.context import CheckContext
from checkers.intent import estimate_functions, parse_complexity

from .conftest import EXAMPLES, check_dict, found, run, sum_doc, text_at


def with_constraints(doc: dict, *constraints: dict) -> dict:
    doc["intent"]["constraints"] = list(constraints)
    return doc


def nested_loops(doc: dict) -> dict:
    """sum, with the body wrapped in a second for_each over the input (O(n^2))."""
    ex = doc["execution"]
    ex["nodes"] += [
        {"node_id": "inner", "operation": "for_each", "inputs": ["exec_node_2"], "outputs": [], "properties": {"iterator": "m"}},
        {"node_id": "inner_end", "operation": "end_loop", "inputs": [], "outputs": [], "properties": {}},
    ]
    ex["edges"][3]["target_id"] = "inner"  # outer loop_body -> inner loop
    ex["edges"][4]["target_id"] = "inner_end"  # add -> inner end_loop
    ex["edges"] += [
        {"edge_id": "inner_body", "source_id": "inner", "target_id": "exec_node_5", "edge_type": "loop_body"},
        {"edge_id": "inner_out", "source_id": "inner_end", "target_id": "exec_node_6", "edge_type": "control_flow"},
    ]
    return doc


def test_public_example_constraints_hold():
    findings = check_dict(sum_doc())
    assert [f for f in findings if f.severity == "error"] == []
    assert found(findings, "ANRF401") == [] and found(findings, "ANRF402") == []


# -- ANRF403 ------------------------------------------------------------------------


@pytest.mark.parametrize("description", ["", "   \n\t"])
def test_empty_description(description):
    doc = sum_doc()
    doc["intent"]["description"] = description
    text, findings = run(doc)
    [f] = found(findings, "ANRF403")
    assert (f.severity, f.pointer) == ("warning", "/intent/description")
    assert text_at(text, f.range) == json.dumps(description)
    assert not [g for g in findings if g.code == "ANRF101" and g.pointer == "/intent/description"]


def test_missing_description_is_a_schema_error_instead():
    doc = sum_doc()
    del doc["intent"]["description"]
    findings = check_dict(doc)
    assert found(findings, "ANRF403") == []
    assert [f.pointer for f in found(findings, "ANRF101")] == ["/intent/description"]


def test_description_passes():
    assert found(check_dict(sum_doc()), "ANRF403") == []


# -- ANRF402 ------------------------------------------------------------------------


def test_nested_loops_contradict_linear_constraint():
    text, findings = run(nested_loops(sum_doc()))
    [f] = found(findings, "ANRF402")
    assert (f.severity, f.pointer) == ("error", "/intent/constraints/0")
    assert "'O(n)'" in f.message and "estimated O(n^2)" in f.message and "function 'sum'" in f.message
    assert "'inner' (for_each) inside for_each loop 'exec_node_4'" in f.message and "deepest loop: 'inner'" in f.message
    assert text_at(text, f.range) == '"performance"'
    assert f.data["loops"] == ["inner", "exec_node_4"] and f.data["estimated_degree"] == 2
    assert f.related[0].pointer == "/execution/nodes/7" and text_at(text, f.related[0].range) == '"inner"'


def test_nested_loops_pass_a_quadratic_constraint():
    doc = nested_loops(sum_doc())
    doc["intent"]["constraints"][0]["description"] = "Quadratic time O(n²) is fine"
    doc["execution"]["properties"]["complexity"] = "O(n^2)"
    assert found(check_dict(doc), "ANRF402") == []


def test_linear_operation_inside_a_loop():
    doc = sum_doc()
    doc["execution"]["nodes"].append({"node_id": "pos", "operation": "index_of", "inputs": ["exec_node_2", "exec_node_4"], "outputs": []})
    doc["execution"]["nodes"][4]["inputs"] = ["exec_node_3", "pos"]
    _, findings = run(doc)
    [f] = found(findings, "ANRF402")
    assert "'pos' (index_of, linear in the size of its input) inside for_each loop 'exec_node_4'" in f.message
    assert f.data["node_id"] == "pos"


def test_constant_constraint_contradicted_by_a_single_loop():
    doc = with_constraints(sum_doc(), {"type": "performance", "description": "constant time"})
    doc["execution"]["properties"] = {}
    _, findings = run(doc)
    [f] = found(findings, "ANRF402")
    assert "'constant'" in f.message and "estimated O(n)" in f.message and "deepest loop: 'exec_node_4'" in f.message


def test_loop_over_a_literal_is_constant():
    doc = with_constraints(sum_doc(), {"type": "performance", "description": "O(1)"})
    doc["execution"]["properties"] = {}
    doc["execution"]["nodes"].append(
        {"node_id": "three", "operation": "constant", "inputs": [], "outputs": [], "properties": {"value": "[1, 2, 3]"}}
    )
    doc["execution"]["nodes"][3]["inputs"] = ["three"]
    assert found(check_dict(doc), "ANRF402") == []


def test_declared_execution_complexity_higher_than_the_constraint():
    doc = sum_doc()
    doc["execution"]["properties"]["complexity"] = "O(n^2)"
    text, findings = run(doc)
    [f] = found(findings, "ANRF402")
    assert f.pointer == "/intent/constraints/0" and "execution.properties.complexity 'O(n^2)'" in f.message
    assert f.related[0].pointer == "/execution/properties/complexity"
    assert text_at(text, f.related[0].range) == '"O(n^2)"'


def test_calls_cost_their_callee():
    doc = json.loads((EXAMPLES / "valid" / "text_utils.anrf.json").read_text())
    assert found(check_dict(doc), "ANRF402") == []  # O(n^2) declared: holds
    doc["intent"]["constraints"][0].update(description="linear", formal_spec="O(n)")
    doc["execution"]["properties"].pop("complexity", None)
    [f] = found(check_dict(doc), "ANRF402")
    assert "call to 'is_palindrome' (estimated O(n))" in f.message and "estimated O(n^2)" in f.message


def test_while_loops_and_recursion_are_not_claimed():
    doc = sum_doc()
    # the body calls sum itself: recursion, whose cost is not estimated
    doc["execution"]["nodes"][4] = {
        "node_id": "exec_node_5",
        "operation": "call",
        "inputs": ["exec_node_2"],
        "outputs": ["exec_node_3"],
        "properties": {"function": "sum"},
    }
    _, findings = run(doc)
    assert found(findings, "ANRF402") == []
    [f] = found(findings, "ANRF401")
    assert f.severity == "info" and "only partly checked" in f.message and "recursive call 'exec_node_5' to 'sum'" in f.message
    assert f.pointer == "/intent/constraints/0"

    gcd = (EXAMPLES / "valid" / "gcd.anrf.json").read_text()
    [g] = [f for f in check_text(gcd) if f.code == "ANRF401" and f.pointer == "/intent/constraints/0"]
    assert "while loop 'loop'" in g.message


def test_estimates_of_the_examples():
    def degrees(name: str) -> dict[str, int]:
        ctx = CheckContext(load_document((EXAMPLES / "valid" / name).read_text()))
        return {c.name: c.degree for c in estimate_functions(ctx.graph)}

    assert degrees("sum.anrf.json") == {"sum": 1}
    assert degrees("text_utils.anrf.json") == {"normalize": 0, "is_palindrome": 1, "count_palindromes": 2}
    assert degrees("fizzbuzz_label.anrf.json") == {"fizzbuzz_label": 0}


@pytest.mark.parametrize(
    ("text", "degree", "label"),
    [
        ("Linear time complexity O(n)", 1, "O(n)"),
        ("O(1)", 0, "O(1)"),
        ("O(log n)", 0, "O(log n)"),
        ("O(log(min(a, b)))", 0, "O(log(min(a, b)))"),
        ("runs in O(n log n)", 1, "O(n log n)"),
        ("O(nlogn)", 1, "O(nlogn)"),
        ("O(n^2)", 2, "O(n^2)"),
        ("O(n²)", 2, "O(n²)"),
        ("O(n**3)", 3, "O(n**3)"),
        ("O(V + E)", 1, "O(V + E)"),
        ("O(n*m)", 2, "O(n*m)"),
        ("O(sqrt(n))", 0.5, "O(sqrt(n))"),
        ("Θ(n)", 1, "Θ(n)"),
        ("O(2^n)", math.inf, "O(2^n)"),
        ("O(n) time and O(1) space", 1, "O(n)"),
        ("O(1) extra space, O(n) time", 1, "O(n)"),
        ("constant time", 0, "constant"),
        ("quadratic", 2, "quadratic"),
        ("linearithmic", 1, "linearithmic"),
        ("Linear in the length of the text", 1, "Linear"),
    ],
)
def test_parse_complexity(text, degree, label):
    c = parse_complexity(text)
    assert c is not None and (c.degree, c.label) == (degree, label)


@pytest.mark.parametrize("text", ["fast", "", "O(1) space", "uses O(n) memory", "O(n^k)", "constant memory"])
def test_unparseable_or_space_only(text):
    assert parse_complexity(text) is None


# -- ANRF401 ------------------------------------------------------------------------


def test_performance_without_a_class_is_not_checkable():
    doc = with_constraints(sum_doc(), {"type": "performance", "description": "should be fast"})
    text, findings = run(doc)
    [f] = found(findings, "ANRF401")
    assert (f.severity, f.pointer) == ("info", "/intent/constraints/0") and "names no time-complexity class" in f.message
    assert text_at(text, f.range) == '"performance"'


@pytest.mark.parametrize("kind", ["compatibility", "reliability", "resource"])
def test_other_constraint_types_are_not_checkable(kind):
    doc = with_constraints(sum_doc(), {"type": kind, "description": "something"})
    text, findings = run(doc)
    [f] = found(findings, "ANRF401")
    assert (f.severity, f.pointer) == ("info", "/intent/constraints/0")
    assert f.message.startswith(f"constraint of type '{kind}' is not checked automatically")
    assert text_at(text, f.range) == json.dumps(kind)


def test_security_about_io_holds_trivially():
    doc = with_constraints(sum_doc(), {"type": "security", "description": "No network or file system access"})
    assert found(check_dict(doc), "ANRF401") == []
    doc = with_constraints(sum_doc(), {"type": "security", "description": "Sanitize user input"})
    [f] = found(check_dict(doc), "ANRF401")
    assert f.severity == "info" and "security" in f.message


def test_empty_input_failure_is_a_warning():
    doc = sum_doc()
    ex = doc["execution"]
    ex["nodes"] += [
        {"node_id": "zero", "operation": "constant", "inputs": [], "outputs": [], "properties": {"value": "0"}},
        {"node_id": "first", "operation": "index", "inputs": ["exec_node_2", "zero"], "outputs": [], "properties": {}},
    ]
    ex["nodes"][6]["inputs"] = ["first"]  # return numbers[0]: fails on []
    text, findings = run(doc)
    [f] = found(findings, "ANRF401")
    assert (f.severity, f.pointer) == ("warning", "/intent/constraints/1")
    assert "could not be verified: running sum([]) failed" in f.message and "'first'" in f.message
    assert f.data["function"] == "sum" and f.data["args"] == [[]]
    assert text_at(text, f.range) == '"safety"'


def test_empty_input_runs():
    doc = with_constraints(sum_doc(), {"type": "safety", "description": "An empty list gives 0"})
    assert found(check_dict(doc), "ANRF401") == []
    words = (EXAMPLES / "valid" / "count_words.anrf.json").read_text()  # a string parameter: runs on ""
    assert [f.code for f in check_text(words) if f.code.startswith("ANRF4")] == []


def test_empty_input_without_list_parameters_is_not_checkable():
    doc = sum_doc()
    doc["semantic"]["nodes"][1]["properties"]["type"] = "type_number"
    _, findings = run(doc)
    [f] = found(findings, "ANRF401")
    assert f.severity == "info" and f.pointer == "/intent/constraints/1" and "no function has a parameter" in f.message


def test_infinite_loop_on_empty_input_is_stopped():
    doc = sum_doc()
    ex = doc["execution"]
    ex["nodes"].append({"node_id": "yes", "operation": "constant", "inputs": [], "outputs": [], "properties": {"value": "true"}})
    ex["nodes"][3] = {"node_id": "exec_node_4", "operation": "while", "inputs": ["yes"], "outputs": [], "properties": {}}
    ex["nodes"][4]["inputs"] = ["exec_node_3", "exec_node_3"]
    _, findings = run(doc)
    [f] = [f for f in found(findings, "ANRF401") if f.pointer == "/intent/constraints/1"]
    assert f.severity == "warning" and "step limit" in f.message


def test_exponential_execution_complexity_data_is_json():
    doc = sum_doc()
    doc["execution"]["properties"]["complexity"] = "O(2^n)"
    [f] = found(check_dict(doc), "ANRF402")
    assert f.data["estimated_degree"] is None
    json.dumps(f.to_dict(), allow_nan=False)
