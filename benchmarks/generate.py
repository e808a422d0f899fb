"""Synthetic ANRF documents of a chosen size, for benchmarks and scale tests.

A module of many small functions (the shape generators emit): each function
sums a list of numbers and keeps the even ones, so every node kind the checkers
care about (loops, branches, expressions, cross-layer refs, types) is present.
"""

from __future__ import annotations

import json
from typing import Any

NODES_PER_FUNCTION = 13


def _function(i: int, dead_code: bool) -> tuple[list[dict], list[dict], list[dict], list[dict], dict[str, str]]:
    p = f"f{i}_"
    e = lambda n: f"{p}e{n}"
    exec_nodes = [
        {"node_id": e(1), "operation": "function_def", "inputs": [e(2)], "outputs": [e(13)], "properties": {"name": f"sum_even_{i}"}},
        {"node_id": e(2), "operation": "parameter", "inputs": [], "outputs": [e(4)], "properties": {"name": "numbers"}},
        {"node_id": e(3), "operation": "variable_def", "inputs": [], "outputs": [], "properties": {"name": "total", "initial_value": "0"}},
        {"node_id": e(4), "operation": "for_each", "inputs": [e(2)], "outputs": [], "properties": {"iterator": "num"}},
        {"node_id": e(5), "operation": "constant", "inputs": [], "outputs": [], "properties": {"value": "2", "type": "t_int"}},
        {"node_id": e(6), "operation": "mod", "inputs": [e(4), e(5)], "outputs": [], "properties": {}},
        {"node_id": e(7), "operation": "constant", "inputs": [], "outputs": [], "properties": {"value": "0", "type": "t_int"}},
        {"node_id": e(8), "operation": "eq", "inputs": [e(6), e(7)], "outputs": [], "properties": {}},
        {"node_id": e(9), "operation": "if", "inputs": [e(8)], "outputs": [], "properties": {}},
        {"node_id": e(10), "operation": "add", "inputs": [e(3), e(4)], "outputs": [e(3)], "properties": {}},
        {"node_id": e(11), "operation": "end_loop", "inputs": [], "outputs": [], "properties": {}},
        {"node_id": e(12), "operation": "len", "inputs": [e(2)], "outputs": [], "properties": {}},
        {"node_id": e(13), "operation": "return", "inputs": [e(3)], "outputs": [], "properties": {}},
    ]
    flow = [(1, 2, "control_flow"), (2, 3, "control_flow"), (3, 4, "control_flow"), (4, 9, "loop_body"),
            (9, 10, "true_branch"), (9, 11, "false_branch"), (10, 11, "control_flow"), (11, 13, "control_flow")]
    exec_edges = [{"edge_id": f"{p}x{k}", "source_id": e(a), "target_id": e(b), "edge_type": t} for k, (a, b, t) in enumerate(flow)]
    if not dead_code:
        exec_nodes = [n for n in exec_nodes if n["node_id"] != e(12)]
    # with dead_code, e12 (len) is unused: one ANRF106 warning per function, like real drafts
    sem_nodes = [
        {"node_id": f"{p}fn", "node_type": "function", "label": f"sum_even_{i}", "properties": {"return_type": "t_int"},
         "execution_refs": [e(1), e(13)], "intent_refs": ["/intent"]},
        {"node_id": f"{p}numbers", "node_type": "parameter", "label": "numbers", "properties": {"type": "t_int_list"},
         "execution_refs": [e(2)], "intent_refs": []},
        {"node_id": f"{p}total", "node_type": "variable", "label": "total", "properties": {"type": "t_int"},
         "execution_refs": [e(3), e(10)], "intent_refs": []},
        {"node_id": f"{p}loop", "node_type": "control_flow", "label": "for num in numbers",
         "execution_refs": [e(4), e(5), e(6), e(7), e(8), e(9), e(11)] + ([e(12)] if dead_code else []), "intent_refs": []},
    ]
    sem_edges = [
        {"edge_id": f"{p}s1", "source_id": f"{p}fn", "target_id": f"{p}numbers", "edge_type": "has_parameter"},
        {"edge_id": f"{p}s2", "source_id": f"{p}fn", "target_id": f"{p}total", "edge_type": "declares"},
        {"edge_id": f"{p}s3", "source_id": f"{p}fn", "target_id": f"{p}loop", "edge_type": "contains"},
    ]
    symbols = {f"sum_even_{i}": f"{p}fn"}
    return exec_nodes, exec_edges, sem_nodes, sem_edges, symbols


def make_document(exec_node_count: int, dead_code: bool = True) -> dict[str, Any]:
    """A module with about `exec_node_count` execution nodes; `dead_code` adds one
    unreachable node per function (so one ANRF106 warning each)."""
    functions = max(1, exec_node_count // (NODES_PER_FUNCTION - (0 if dead_code else 1)))
    doc: dict[str, Any] = {
        "anrf_id": f"bench_{exec_node_count}",
        "version": "v1",
        "intent": {"intent_type": "module", "description": f"{functions} functions that sum the even numbers of a list",
                   "constraints": [{"type": "performance", "description": "O(n) time"}], "tags": ["benchmark"]},
        "semantic": {"nodes": [], "edges": [], "symbol_table": {},
                     "types": [{"type_id": "t_int", "name": "int", "type_kind": "primitive"},
                               {"type_id": "t_int_list", "name": "int[]", "type_kind": "array",
                                "properties": {"element_type": "t_int"}}]},
        "execution": {"format": "graph", "nodes": [], "edges": [], "properties": {"complexity": "O(n)"}},
        "metadata": {"generated_by": "benchmarks/generate.py"},
    }
    for i in range(functions):
        en, ee, sn, se, sym = _function(i, dead_code)
        doc["execution"]["nodes"].extend(en)
        doc["execution"]["edges"].extend(ee)
        doc["semantic"]["nodes"].extend(sn)
        doc["semantic"]["edges"].extend(se)
        doc["semantic"]["symbol_table"].update(sym)
    return doc


def make_text(exec_node_count: int, dead_code: bool = True) -> str:
    return json.dumps(make_document(exec_node_count, dead_code), indent=2)
