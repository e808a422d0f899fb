"""The `anrf` command as a user runs it: a real subprocess, real files, exit codes."""

from __future__ import annotations

import json
import subprocess

import pytest

from anrf_lsp.execution.optable import render_table

from .conftest import EXAMPLES, ROOT, run_anrf, sum_doc


def anrf(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return run_anrf(*args, cwd=cwd)


@pytest.fixture
def broken_dir(tmp_path):
    raw = sum_doc()
    raw["execution"]["nodes"][4]["inputs"][1] = "exec_node_99"
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.anrf.json").write_text(json.dumps(raw, indent=2))
    (tmp_path / "good.anrf.json").write_text(json.dumps(sum_doc(), indent=2))
    (tmp_path / "ignored.json").write_text("{not anrf")
    return tmp_path


def test_check_clean_file_exits_zero():
    r = anrf("check", str(EXAMPLES / "valid" / "sum.anrf.json"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 error(s)" in r.stderr


def test_check_directory_recursive_human_output(broken_dir):
    r = anrf("check", str(broken_dir))
    assert r.returncode == 1
    bad = str(broken_dir / "sub" / "bad.anrf.json")
    lines = [ln for ln in r.stdout.splitlines() if "ANRF104" in ln]
    assert lines, r.stdout
    path, line, col, rest = lines[0].split(":", 3)
    assert path == bad
    text_line = (broken_dir / "sub" / "bad.anrf.json").read_text().split("\n")[int(line) - 1]
    assert text_line[int(col) - 1 :].startswith('"exec_node_99"')  # 1-based column of the reference
    assert rest.startswith(" ANRF104 error: ")
    assert "ignored.json" not in r.stdout and "2 file(s) checked" in r.stderr


def test_check_json_format(broken_dir):
    r = anrf("check", "--format", "json", str(broken_dir))
    assert r.returncode == 1
    findings = json.loads(r.stdout)
    [f] = [f for f in findings if f["code"] == "ANRF104"]
    assert set(f) >= {"path", "code", "severity", "message", "pointer", "range"}
    assert f["pointer"] == "/execution/nodes/4/inputs/1"
    assert f["range"]["start"]["line"] >= 0 and f["severity"] == "error"


def test_check_ignore_codes(broken_dir):
    r = anrf("check", "--ignore", "ANRF104,ANRF106,ANRF202", str(broken_dir))
    assert "ANRF104" not in r.stdout


def test_check_usage_errors_exit_two(tmp_path):
    assert anrf("check").returncode == 2
    r = anrf("check", str(tmp_path / "missing.anrf.json"))
    assert r.returncode == 2 and "no such file" in r.stderr
    assert anrf("check", "--format", "xml", str(tmp_path)).returncode == 2


def test_check_bad_inputs_never_traceback(tmp_path):
    files = {
        "utf8.anrf.json": b'{"anrf_id": "\xff"}',
        "array.anrf.json": b"[1, 2]",
        "deep.anrf.json": b"[" * 100_000 + b"]" * 100_000,
        "empty.anrf.json": b"",
        "string.anrf.json": json.dumps({**sum_doc(), "intent": "x"}).encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    r = anrf("check", "--format", "json", str(tmp_path))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    got = {f["path"].rsplit("/", 1)[1] for f in json.loads(r.stdout)}
    assert got == set(files)


def test_run_prints_json_result():
    r = anrf("run", str(EXAMPLES / "valid" / "sum.anrf.json"), "--args", "[[1, 2, 3]]")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == 6
    r = anrf("run", str(EXAMPLES / "valid" / "sum.anrf.json"), "--args", "[[]]", "--format", "json")
    out = json.loads(r.stdout)
    assert out["result"] == 0 and out["function"] == "sum" and out["steps"] > 0


def test_run_usage_and_runtime_errors(tmp_path):
    path = str(EXAMPLES / "valid" / "sum.anrf.json")
    assert anrf("run", path, "--args", "not json").returncode == 2
    assert anrf("run", path, "--args", '{"a": 1}').returncode == 2
    r = anrf("run", path, "--args", '[["a", 1]]')
    assert r.returncode == 1 and "error:" in r.stderr and "Traceback" not in r.stderr
    r = anrf("run", path, "--function", "nope", "--args", "[[1]]")
    assert r.returncode == 1 and "no function named 'nope'" in r.stderr
    r = anrf("run", path, "--args", "[[1], 2]")
    assert r.returncode == 1 and "takes 1 argument" in r.stderr


def test_run_stops_an_infinite_loop_at_the_step_limit(tmp_path):
    raw = sum_doc()
    nodes, edges = raw["execution"]["nodes"], raw["execution"]["edges"]
    nodes[3] = {"node_id": "exec_node_4", "operation": "while", "inputs": ["exec_true"], "outputs": [], "properties": {}}
    nodes.append({"node_id": "exec_true", "operation": "constant", "inputs": [], "outputs": [], "properties": {"value": "true"}})
    nodes.append({"node_id": "exec_one", "operation": "constant", "inputs": [], "outputs": [], "properties": {"value": "1"}})
    nodes[4]["inputs"] = ["exec_node_3", "exec_one"]
    raw["semantic"]["nodes"][2]["execution_refs"] += ["exec_true", "exec_one"]
    path = tmp_path / "loop.anrf.json"
    path.write_text(json.dumps(raw, indent=2))
    r = anrf("run", str(path), "--args", "[[1]]", "--max-steps", "5000", "--force")
    assert r.returncode == 1 and "step limit of 5000 exceeded" in r.stderr
    assert edges  # unchanged control structure: while -> body -> end_loop -> back


def test_run_refuses_documents_with_errors(broken_dir):
    r = anrf("run", str(broken_dir / "sub" / "bad.anrf.json"), "--args", "[[1]]")
    assert r.returncode == 1 and "ANRF104" in r.stderr and "--force" in r.stderr


def test_view_pseudocode_and_structure():
    path = str(EXAMPLES / "valid" / "sum.anrf.json")
    r = anrf("view", path)
    assert r.returncode == 0 and "for num in numbers" in r.stdout
    r = anrf("view", path, "--format", "structure")
    assert r.returncode == 0 and "func_123456" in r.stdout


def test_schema_command_matches_published_copy():
    r = anrf("schema")
    assert r.returncode == 0
    published = json.loads((ROOT / "anrf_lsp" / "schema" / "anrf-v1.schema.json").read_text())
    assert json.loads(r.stdout) == published


def test_docs_operation_table_is_current():
    docs = (ROOT / "docs" / "execution.md").read_text()
    assert render_table() in docs, "run: python -m anrf_lsp.execution.optable docs/execution.md"


def test_docs_checks_are_generated_from_the_catalog():
    from checkers.docs import render

    assert (ROOT / "docs" / "checks.md").read_text() == render(), "run: python -m checkers.docs > docs/checks.md"
