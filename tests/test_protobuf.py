"""The protobuf storage form: lossless JSON round-trips, messages from other writers, bad bytes."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anrf_lsp.format.anrf_v1_pb2 import ANRF, ExecNode
from anrf_lsp.format.protobuf import ProtobufFormatError, from_protobuf, to_protobuf
from tests.conftest import sum_doc

VALID = sorted((Path(__file__).resolve().parent.parent / "examples" / "valid").glob("*.anrf.json"))
TOP_LEVEL = ["anrf_id", "version", "intent", "semantic", "execution", "metadata"]


def roundtrip(document: dict) -> dict:
    return from_protobuf(to_protobuf(document))


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_examples_round_trip_exactly(path):
    document = json.loads(path.read_text())
    back = roundtrip(document)
    assert back == document
    assert list(back) == TOP_LEVEL


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_protobuf_is_smaller_than_json(path):
    document = json.loads(path.read_text())
    assert len(to_protobuf(document)) < len(json.dumps(document, separators=(",", ":")))


def test_unknown_fields_and_loose_values_survive():
    doc = sum_doc()
    doc["x_top"] = {"nested": [1, 2.5, None, True]}
    doc["intent"]["x_intent"] = "kept"
    doc["intent"]["constraints"][0]["x_constraint"] = [1]
    doc["semantic"]["nodes"][0]["properties"]["arity"] = 1  # non-string property value
    doc["semantic"]["types"][1]["fields"] = [{"name": "n", "type_id": "type_number", "optional": "yes", "x": None}]
    doc["semantic"]["symbol_table"]["flag"] = True
    doc["execution"]["nodes"][2]["properties"]["initial_value"] = 0
    doc["execution"]["edges"][0]["x_edge"] = {"weight": 0.5}
    doc["execution"]["properties"]["resource_limits"] = {"memory_mb": 64}
    doc["metadata"]["confidence_score"] = 0.95
    assert roundtrip(doc) == doc


def test_wrong_types_and_missing_fields_survive():
    doc = {
        "anrf_id": 7,
        "intent": None,
        "semantic": {"nodes": "not a list", "edges": [1, {"edge_id": "e"}], "types": []},
        "execution": {"code": "aGk", "nodes": [{"inputs": ["a", 1]}]},  # base64 without padding stays text
        "zz": "\ud800",  # a lone surrogate is legal in JSON text
    }
    assert roundtrip(doc) == doc
    assert roundtrip({}) == {}


def test_execution_code_is_stored_as_bytes():
    doc = sum_doc()
    doc["execution"]["code"] = base64.b64encode(b"\x00\xffbytecode").decode()
    message = ANRF.FromString(to_protobuf(doc))
    assert message.execution.code == b"\x00\xffbytecode"
    assert not message.execution.extra_json
    assert roundtrip(doc) == doc


def test_message_from_another_writer_gets_every_field():
    message = ANRF(anrf_id="other", version="v1")
    message.execution.nodes.append(ExecNode(node_id="n1", operation="return"))
    message.metadata["b"] = "2"
    message.metadata["a"] = "1"
    doc = from_protobuf(message.SerializeToString())
    assert list(doc) == TOP_LEVEL
    assert doc["intent"] == {"intent_type": "", "description": "", "constraints": [], "tags": [], "properties": {}}
    assert doc["semantic"] == {"nodes": [], "edges": [], "types": [], "symbol_table": {}}
    assert doc["execution"]["nodes"] == [{"node_id": "n1", "operation": "return", "inputs": [], "outputs": [], "properties": {}}]
    assert list(doc["metadata"]) == ["a", "b"]  # maps come back sorted by key


def test_equal_documents_give_equal_bytes():
    doc = sum_doc()
    reordered = sum_doc()
    reordered["metadata"] = dict(reversed(list(doc["metadata"].items())))
    assert to_protobuf(doc) == to_protobuf(reordered)


@pytest.mark.parametrize("data", [
    b"",
    b"not a protobuf message",
    b"\xff\xff\xff\xff",
    bytes(range(256)),
    b"\x08\x01",  # field 1 as a varint: ANRF's field 1 is a string
    b"\xa2\x06\x01x",  # field 100, which ANRF does not define
    b"\xc2>\x03[1]",  # extra_json that is JSON but not an object
    b"\xc2>\x01{",  # extra_json that is not JSON
])
def test_bad_bytes_raise_format_error(data):
    with pytest.raises(ProtobufFormatError):
        from_protobuf(data)


def test_extra_json_nested_too_deep_raises_format_error():
    with pytest.raises(ProtobufFormatError):
        from_protobuf(ANRF(extra_json="[" * 100_000).SerializeToString())


def test_truncated_bytes_raise_format_error():
    data = to_protobuf(sum_doc())
    for cut in (1, len(data) // 3, len(data) // 2, len(data) - 1):
        with pytest.raises(ProtobufFormatError):
            from_protobuf(data[:cut])


def test_any_prefix_or_noise_raises_only_format_error():
    """Some cuts fall on a field boundary and still parse; none may raise anything else."""
    data = to_protobuf(sum_doc())
    rng = random.Random(1)
    samples = [data[:cut] for cut in range(len(data))] + [rng.randbytes(rng.randrange(1, 200)) for _ in range(500)]
    for sample in samples:
        try:
            from_protobuf(sample)
        except ProtobufFormatError:
            pass


# Small documents: every known key optional, any of them possibly of the wrong JSON type,
# unknown keys anywhere, property maps with JSON scalars among the strings.
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6)
TEXT = st.text(max_size=6)
STRINGS = st.lists(TEXT, max_size=3)
PROPERTIES = st.dictionaries(TEXT, TEXT | SCALARS, max_size=3)
BASE64 = st.binary(max_size=8).map(lambda raw: base64.b64encode(raw).decode())


def obj(**fields):
    known = st.fixed_dictionaries({}, optional={name: value | SCALARS for name, value in fields.items()})
    unknown = st.dictionaries(st.text(max_size=4), SCALARS, max_size=2)
    return st.builds(lambda k, u: {**u, **k}, known, unknown)


def some(element):
    return st.lists(element, max_size=2)


CONSTRAINT = obj(type=TEXT, description=TEXT, formal_spec=TEXT)
NODE = obj(node_id=TEXT, node_type=TEXT, label=TEXT, properties=PROPERTIES, execution_refs=STRINGS, intent_refs=STRINGS)
EDGE = obj(edge_id=TEXT, source_id=TEXT, target_id=TEXT, edge_type=TEXT, properties=PROPERTIES)
FIELD = obj(name=TEXT, type_id=TEXT, optional=st.booleans(), properties=PROPERTIES)
TYPE = obj(type_id=TEXT, name=TEXT, type_kind=TEXT, fields=some(FIELD), parent_type=TEXT, properties=PROPERTIES)
EXEC_NODE = obj(node_id=TEXT, operation=TEXT, inputs=STRINGS, outputs=STRINGS, properties=PROPERTIES)
DOCUMENT = obj(
    anrf_id=TEXT,
    version=TEXT,
    intent=obj(intent_type=TEXT, description=TEXT, constraints=some(CONSTRAINT), tags=STRINGS, properties=PROPERTIES),
    semantic=obj(nodes=some(NODE), edges=some(EDGE), types=some(TYPE), symbol_table=PROPERTIES),
    execution=obj(format=TEXT, code=BASE64 | TEXT, nodes=some(EXEC_NODE), edges=some(EDGE), properties=PROPERTIES),
    metadata=PROPERTIES,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENT)
def test_generated_documents_round_trip(document):
    assert roundtrip(document) == document
