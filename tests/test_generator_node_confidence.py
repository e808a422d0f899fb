"""Per-node confidence: each execution node knows the compact line that wrote it, each generated
token knows its line, and the nodes on a line whose weakest token was unlikely get a
`confidence.<node_id>` metadata entry the editor shows as an inlay hint."""

from __future__ import annotations

import json
import math

from anrf_lsp.format.confidence import node_scores
from anrf_lsp.format.document import load_document
from anrf_lsp.intent.schema import Parameter, StructuredIntent, Target
from anrf_lsp.program.compact import assemble
from models.generator import Attempt, assemble_attempt, mark_uncertain_nodes, node_confidences, token_lines
from training.behaviour import BuildRequest
from training.generator_tokenizer import train_tokenizer

PROGRAM = """@tags aggregate search
function max_of_list(numbers: list[number]) -> number?:
    if len(numbers) == 0:
        return null
    best: number = numbers[0]
    for num in numbers:
        if num > best:
            best = num
    return best
"""


def _nodes_by_line(lines: dict[str, int], doc: dict) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for node in doc["execution"]["nodes"]:
        out.setdefault(lines[node["node_id"]], []).append(node["operation"])
    return out


def test_every_execution_node_gets_the_line_that_wrote_it():
    lines: dict[str, int] = {}
    doc = assemble(PROGRAM, BuildRequest("anrf-x", "max_of_list", ("numbers",), "d"), lines)
    assert set(lines) == {n["node_id"] for n in doc["execution"]["nodes"]}
    assert _nodes_by_line(lines, doc) == {
        2: ["function_def", "parameter"],
        3: ["len", "constant", "eq", "if"],
        4: ["constant", "return"],
        5: ["index", "variable_def"],
        6: ["for_each", "end_loop"],  # the loop closes where it opened
        7: ["gt", "if"],
        8: ["assign"],
        9: ["return"],
    }


def test_token_lines_follow_newlines_and_indentation():
    assert token_lines(["@tags", " x", "\n", "function", " f", "():\n    ", "return", " 1", "\n"]) == [1, 1, 2, 2, 2, 2, 3, 3, 4]
    tokenizer = train_tokenizer([PROGRAM] * 5, vocab_size=300, min_frequency=1)
    pieces = [tokenizer.decode([i]) for i in tokenizer.encode(PROGRAM).ids]
    lines = token_lines(pieces)
    for piece, line in zip(pieces, lines, strict=True):
        if piece.strip():
            assert piece.strip() in PROGRAM.split("\n")[line - 1], (piece, line)


def _intent() -> StructuredIntent:
    return StructuredIntent(intent_type="create_function", target=Target(kind="function", name="max_of_list"), operation="max",
                            parameters=[Parameter(name="numbers", type="list[number]")], description="d")


def test_uncertain_lines_mark_their_nodes_in_metadata_as_the_editor_reads_them():
    text_lines = PROGRAM.split("\n")
    # one token per line; line 7 (`if num > best:`) was a coin flip, the rest near certain
    log_probs = [math.log(0.5) if n == 7 else math.log(0.99) for n in range(1, len(text_lines))]
    attempt = assemble_attempt(PROGRAM, log_probs, _intent(), "anrf-x", list(range(1, len(text_lines))))
    assert attempt.valid
    scores = node_confidences(attempt)
    assert set(scores) == set(attempt.node_lines)
    assert mark_uncertain_nodes(attempt.anrf, attempt) == 2  # gt and if on line 7
    doc = load_document(json.dumps(attempt.anrf))
    marked = node_scores(doc.tree)
    operations = {n["node_id"]: n["operation"] for n in attempt.anrf["execution"]["nodes"]}
    assert sorted(operations[n] for n in marked) == ["gt", "if"] and set(marked.values()) == {0.5}


def test_no_lines_no_marks():
    attempt = Attempt(text="x", token_log_probs=[-5.0])
    assert node_confidences(attempt) == {} and mark_uncertain_nodes({}, attempt) == 0
