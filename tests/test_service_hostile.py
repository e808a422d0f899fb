"""Hostile values in every field of every request the service takes (issue 17), against the real
process: each JSON value of a valid example body, each query and path parameter, replaced in turn by
a lone surrogate, a number too large for a float, a 5,000-digit integer, a 200,000-character string,
100,000-deep nesting, a long array and wrong types. Nothing may answer 5xx (bar the documented 503/504
of /generate under load), and every 4xx says why in {"error"}. Systematic rather than sampled, so
"every field" is literally every field; schemathesis covers the schema at large (test_service_schema)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

httpx = pytest.importorskip("httpx", reason="the service extra is not installed")
pytest.importorskip("fastapi", reason="the service extra is not installed")

from tests.hostile_programs import document
from tests.service_process import ROOT, serve

pytestmark = pytest.mark.timeout(600)
SENTINEL = "__hostile_value__"
DEPTH = 100_000
HOSTILE_JSON = {
    "lone-surrogate": '"a\\ud800b"',
    "1e999": "1e999",
    "-1e999": "-1e999",
    "5000-digits": "9" * 5000,
    "200k-string": json.dumps("x" * 200_000),
    "deep-nesting": "[" * DEPTH + "]" * DEPTH,
    "deep-object": '{"a":' * 20_000 + "1" + "}" * 20_000,
    "long-array": json.dumps(list(range(50_000))),
    "null": "null",
    "false": "false",
    "negative": "-1",
    "empty-object": "{}",
    "nul-and-controls": json.dumps("\x00\x01\u202e\ufeff"),
}
HOSTILE_PARAMS = {
    "invalid-utf8": "%ED%A0%80",
    "nul": "%00",
    "5000-digits": "9" * 5000,
    "10k-string": "x" * 10_000,
    "negative": "-1",
    "traversal": "..%2F..%2Fetc%2Fpasswd",
    "unicode": "%E2%80%AE%EF%BB%BF",
}


REQUEST = "Write a function called total that returns the sum of a list of numbers in O(n) time"


def bodies(intent: dict[str, Any], generation_id: str) -> dict[str, dict[str, Any]]:
    """A valid body of each operation that takes one: the starting points of the substitutions."""
    return {
        "/intent/analyze": {"inputText": REQUEST, "context": {"module": "m", "function": "f"}},
        "/generate": {"structuredIntent": intent, "constraints": intent["constraints"], "force": False},
        "/execute/big-result": {"inputs": {"function": "big", "args": [2]}},
        "/feedback": {"generationId": generation_id, "accepted": True, "correctedAnrf": {"anrf_id": "x"}},
        "/anrf": json.loads((ROOT / "examples" / "valid" / "sum.anrf.json").read_text(encoding="utf-8")),
    }


def paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every position in a JSON value (containers and leaves), as key paths."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def substituted(body: Any, path: tuple, raw: str) -> bytes:
    """`body` as JSON text with the value at `path` replaced by the raw JSON text `raw`."""
    if not path:
        return raw.encode("utf-8")
    copy = json.loads(json.dumps(body))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = SENTINEL
    return json.dumps(copy).replace(json.dumps(SENTINEL), raw, 1).encode("utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with serve(tmp_path_factory.mktemp("hostile"), "--rate-limit", "0", "--generation-timeout", "10", stub_generator=True) as running:
        with running.client() as c:
            for name in ("big-result",):
                assert c.post("/anrf", json=document(name)).status_code == 201
            assert c.post("/anrf", content=(ROOT / "examples" / "valid" / "sum.anrf.json").read_bytes(),
                          headers={"Content-Type": "application/json"}).status_code == 201
            analyzed = c.post("/intent/analyze", json={"inputText": REQUEST})
            assert analyzed.status_code == 200, analyzed.text
            running.intent = analyzed.json()["structuredIntent"]
            generated = c.post("/generate", json={"structuredIntent": running.intent})
            assert generated.status_code == 200, generated.text
            running.generation_id = generated.json()["generationId"]
        yield running


def check(response: httpx.Response, what: str, allowed: tuple[int, ...] = ()) -> None:
    assert response.status_code < 500 or response.status_code in allowed, f"{what}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        assert isinstance(response.json().get("error"), str), f"{what}: {response.text[:300]}"


@pytest.mark.parametrize("operation", ["/intent/analyze", "/generate", "/execute/big-result", "/feedback", "/anrf"])
def test_hostile_values_in_every_body_field(server, operation):
    body = bodies(server.intent, server.generation_id)[operation]
    allowed = (503, 504) if operation == "/generate" else ()
    tried = 0
    with server.client(timeout=120) as c:
        for path in paths(body):
            for name, raw in HOSTILE_JSON.items():
                response = c.post(operation, content=substituted(body, path, raw), headers={"Content-Type": "application/json"})
                check(response, f"POST {operation} with {name} at {'/'.join(map(str, path)) or 'the root'}", allowed)
                tried += 1
        assert c.get("/healthz").status_code == 200
    assert tried >= 2 * len(HOSTILE_JSON)


def test_hostile_path_and_query_parameters(server):
    templates = ["/verify/{}", "/view/{}", "/anrf/{}", "/anrf/{}/versions", "/anrf/func_123456/{}", "/verify/func_123456?version={}",
                 "/verify/func_123456?checks={}", "/view/func_123456?format={}", "/anrf/func_123456?format={}",
                 "/view/func_123456?version={}"]
    with server.client() as c:
        for template in templates:
            for name, raw in HOSTILE_PARAMS.items():
                url = template.format(raw)
                check(c.get(url), f"GET {template} with {name}")
        for name, raw in HOSTILE_PARAMS.items():
            check(c.post(f"/execute/{raw}", json={"inputs": []}), f"POST /execute/{{id}} with {name}")
            check(c.post(f"/execute/big-result?version={raw}", json={"inputs": [1]}), f"POST /execute?version= with {name}")


def test_hostile_headers(server):
    """Odd content types, charsets and request ids are refused or ignored, never a 5xx."""
    with server.client() as c:
        body = json.dumps({"inputText": "sum a list"}).encode()
        for content_type in ("text/plain", "application/json; charset=latin-1", "application/json; charset=utf-16", "x" * 5000, ""):
            check(c.post("/intent/analyze", content=body, headers={"Content-Type": content_type}), f"Content-Type {content_type[:40]!r}")
        for request_id in (b"a" * 5000, "\u202e".encode(), b"\xff\xfe", b"x y"):
            answer = c.get("/verify/func_123456", headers={"X-Request-ID": request_id})
            check(answer, f"X-Request-ID {request_id[:20]!r}")
            assert answer.headers["X-Request-ID"] != request_id.decode("latin-1")  # not echoed: a fresh id instead
        check(c.post("/anrf", content=b"\xff\xfe{\x00", headers={"Content-Type": "application/json"}), "UTF-16 with BOM")
        check(c.post("/anrf", content=b'{"anrf_id": "\xed\xa0\x80"}', headers={"Content-Type": "application/json"}), "CESU surrogate")
        unknown = c.post("/feedback", json={"generationId": str(uuid.uuid4()), "accepted": True})
        assert unknown.status_code == 404
