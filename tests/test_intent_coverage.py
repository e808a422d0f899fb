"""A fold reading that leaves a word unexplained ("cubes" read as squares) says so and is not trusted."""

from __future__ import annotations

from anrf_lsp.intent.coverage import concept_words, content_words, uncovered_words
from models.intent import Prediction, assemble_fold, calibrate

TEXT = "return the sum of the cubes of the numbers in a list, call it total_cubes"
FOLD = {"sources": {"numbers": {"param": "numbers", "type": "list[number]", "elem": "num"}}, "values": {}, "maps": {"square": {"gives": "num"}},
        "returns": {"sum": {"num": "number"}}, "concepts": ["cubes", "cube", "palindrome"]}
FIT = {"a": 1.0, "b": 0.0, "c": -6.0}


def _prediction(text: str) -> Prediction:
    slots = {"source": "numbers", "select": "all", "connective": "none", "pred1": "none", "value1": "none", "pred2": "none",
             "value2": "none", "map": "square", "reduce": "sum"}
    heads = {"shape": ("fold", 0.99), **{f"slot_{k}": (v, 0.99) for k, v in slots.items()}}
    return Prediction(intent_type="create_function", intent_probability=0.99, operation="unknown", operation_probability=0.9,
                      tags=["O"], offsets=[(0, 0)], heads=heads)


def test_content_words_leave_out_names_spans_and_identifiers():
    assert content_words("Sum the cubes of xs_2 in MyList, as said in `O(n)`", [(0, 3)]) == ["the", "cubes", "of", "in", "as", "said", "in", "o", "n"]
    assert content_words("what's the best way", []) == ["what's", "the", "best", "way"]


def test_concept_words_are_seen_for_named_behaviours_only():
    named = [("cube a number", []), ("find the sum of a list", [])]
    folds = [("find the sum of the numbers in a list", []), ("a number", [])]
    assert concept_words(named, folds) == ["cube"]
    assert uncovered_words("the cube of each, cube again", [], {"cube"}) == ["cube"]


def test_a_fold_that_leaves_a_concept_word_out_keeps_it_and_loses_confidence():
    covered = assemble_fold("return the sum of the squares of the numbers in a list", _prediction(""), FOLD, FIT)
    uncovered = assemble_fold(TEXT, _prediction(TEXT), FOLD, FIT)
    assert covered.uncovered_words == [] and uncovered.uncovered_words == ["cubes"]
    assert covered.behaviour.text() == uncovered.behaviour.text()  # the heads alone cannot tell them apart
    assert covered.confidence > 0.5 > uncovered.confidence
    assert uncovered.target.name == "total_cubes"


def test_a_fit_without_the_coverage_weight_is_platt_scaling():
    assert calibrate(0.5, None, 3) == 0.5
    assert calibrate(0.9, {"a": 1.0, "b": 0.0}, 1) == calibrate(0.9, {"a": 1.0, "b": 0.0}, 0)
    assert calibrate(0.9, FIT, 1) < calibrate(0.9, FIT, 0)


def test_named_coverage_keeps_part_words_an_operation_never_used():
    from anrf_lsp.intent.coverage import named_coverage, unexplained_by_operation

    named = [("sum_even", "add up the even numbers", []), ("sum_even", "the total of the even values", []),
             *((f"op{i}", f"please write a function number {i}", []) for i in range(20))]
    coverage = named_coverage(named, ["the squares of", "even", "the total of", "a function"], common_share=0.1)
    assert "squares" in coverage["part_words"] and "function" not in coverage["part_words"]  # common to many behaviours
    assert unexplained_by_operation("sum the squares of the even numbers", [], "sum_even", coverage) == ["squares"]
    assert unexplained_by_operation("the total of the even numbers", [], "sum_even", coverage) == []
    assert unexplained_by_operation("squares", [(0, 7)], "sum_even", coverage) == []  # inside an entity: a name, not a word
    assert unexplained_by_operation("squares", [], "never_trained", coverage) == []  # no record of it: nothing to say
