"""Python ⇄ ANRF (issue 15): `anrf import` and `anrf export --to python`.

Export is exact: on every catalog program and on random programs, the exported Python gives the
interpreter's result (or fails where it fails). Import goes through the compact form and the
builder: catalog programs come back through export → import proven against their references,
random Python programs import to ANRF that runs as the Python does, and anything outside the
subset (including real standard-library files) gets a PythonImportError with its line, never a crash.
"""

from __future__ import annotations

import ast
import copy
import json
import random
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anrf_lsp.execution.interpreter import AnrfRuntimeError, run_function
from anrf_lsp.execution.ops import json_equal
from anrf_lsp.format.model import Anrf
from anrf_lsp.program.python_import import PythonImportError, import_python
from anrf_lsp.view.python import ExportError, to_python
from checkers import check_text
from tests.conftest import EXAMPLES
from tests.python_programs import random_inputs, random_program
from training.catalog import CATALOG
from training.catalog.verify import default_request
from training.proof import prove

_MISSING = object()


def _python_namespace(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "<exported>", "exec"), namespace)  # noqa: S102 - the test runs code it just wrote
    return namespace


def _call_python(namespace: dict, function: str, args: list):
    head, *rest = function.split(".")
    fn = namespace[head]
    for part in rest:
        fn = getattr(fn, part)
    try:
        return fn(*copy.deepcopy(args))
    except Exception:  # noqa: BLE001 - any failure is "it failed", compared with the interpreter's
        return _MISSING


def _call_anrf(model: Anrf, function: str | None, args: list):
    try:
        return run_function(model, copy.deepcopy(args), function)
    except AnrfRuntimeError:
        return _MISSING


def _same(a, b) -> bool:
    return (a is _MISSING and b is _MISSING) or (a is not _MISSING and b is not _MISSING and json_equal(a, b))


# -- export ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(CATALOG))
def test_export_runs_like_the_interpreter_on_every_catalog_program(key):
    behaviour = CATALOG[key]
    model = Anrf.model_validate(behaviour.build(default_request(behaviour)))
    namespace = _python_namespace(to_python(model))
    for case in behaviour.cases(random.Random(f"export:{key}")):
        want = _call_anrf(model, case.function, case.args)
        got = _call_python(namespace, case.function, case.args)
        assert _same(want, got), (case, want, got)


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").glob("*.anrf.json")), ids=lambda p: p.name)
def test_export_of_hand_written_examples(path):
    """Documents not made by the builder (the public examples) export too."""
    model = Anrf.model_validate(json.loads(path.read_text()))
    source = to_python(model)
    ast.parse(source)
    assert source.startswith('"""')
    if path.name == "sum.anrf.json":
        assert _python_namespace(source)["sum"]([1, 2, 3]) == 6


def test_export_refuses_a_graph_that_is_not_structured_code():
    doc = json.loads((EXAMPLES / "invalid" / "control_cycle.anrf.json").read_text())
    with pytest.raises(ExportError, match="not structured code|unknown"):
        to_python(Anrf.model_validate(doc))


def test_export_keeps_the_interpreters_to_string():
    source = "def label(n: float) -> str:\n    return str(n) + '!'\n"
    model = Anrf.model_validate(import_python(source, filename="label.py"))
    namespace = _python_namespace(to_python(model))
    for value in (2.0, 2.5, -0.0, 10**20 * 1.0):
        assert namespace["label"](value) == run_function(model, [value])


# -- import ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(CATALOG))
def test_catalog_programs_come_back_through_export_and_import(key):
    """import(export(doc)) passes every checker and equals the behaviour's reference on its cases."""
    behaviour = CATALOG[key]
    source = to_python(Anrf.model_validate(behaviour.build(default_request(behaviour))))
    doc = import_python(source, filename=f"{behaviour.name}.py")
    assert doc["intent"]["intent_type"] == behaviour.kind
    cases = behaviour.cases(random.Random(f"import:{key}"))
    assert prove(doc, cases, [behaviour.reference(c) for c in cases]) == []


@settings(max_examples=120, deadline=None, derandomize=True)
@given(st.integers(0, 2**31))
def test_random_python_imports_to_anrf_that_runs_as_python_does(seed):
    source = random_program(seed)
    python = _python_namespace(source)
    doc = import_python(source, filename="f.py")
    assert not [f for f in check_text(json.dumps(doc)) if f.severity == "error"]
    model = Anrf.model_validate(doc)
    exported = _python_namespace(to_python(model))
    for args in random_inputs(seed):
        want = _call_python(python, "f", args)
        assert _same(want, _call_anrf(model, "f", args)), (source, args)
        assert _same(want, _call_python(exported, "f", args)), (source, args)


USER_CODE = '''"""Inventory helpers, written the way people write Python. Runs in O(n^2) time."""
import math


def mean_above(numbers: list[float], threshold: float) -> float | None:
    """The mean of the numbers greater than threshold (None when there are none)."""
    total = 0.0
    count = 0
    for x in numbers:
        if x > threshold:
            total += x
            count += 1
    if not count:
        return None
    return total / count


def first_negative_index(numbers: list[int]) -> int:
    for i, n in enumerate(numbers):
        if n < 0:
            return i
    return -1


def shout(words: list[str]) -> str:
    loud = []
    for w in words:
        if w and not w.startswith("#"):
            loud.append(w.strip().upper())
        elif len(w) > 3:
            loud.append(w[1:])
    return ", ".join(loud) + "!" * 2


def hypotenuse(a: float, b: float) -> float:
    return math.sqrt(a ** 2 + b ** 2)
'''


def test_everyday_python_imports_as_a_module_that_behaves_the_same():
    doc = import_python(USER_CODE, filename="inventory.py")
    assert doc["intent"]["intent_type"] == "module"
    assert doc["intent"]["constraints"] == [{"type": "performance", "description": "O(n^2) time", "formal_spec": "O(n^2)"}]
    model = Anrf.model_validate(doc)
    python = _python_namespace(USER_CODE)
    calls = [("mean_above", [[1, 5, 7.5], 2]), ("mean_above", [[], 0]), ("first_negative_index", [[3, 0, -2, -5]]),
             ("first_negative_index", [[]]), ("shout", [["hi ", "", "#tag", "#long", "ok"]]), ("hypotenuse", [3, 4])]
    for function, args in calls:
        assert _same(_call_python(python, function, args), _call_anrf(model, function, args)), function


def test_a_docstring_promise_the_code_breaks_is_an_import_error():
    """The docstring's constraints are checked like any document's: slicing in a loop is not O(n)."""
    with pytest.raises(PythonImportError, match="ANRF402: performance constraint 'O\\(n\\)' is contradicted"):
        import_python(USER_CODE.replace("O(n^2)", "O(n)"), filename="inventory.py")


def test_comprehensions_and_sums_that_are_assigned_or_returned_become_loops():
    """`[e for x in xs if c]` and `sum(...)`, assigned or returned, are the loops they stand for; a comprehension
    variable that shadows a variable leaves it alone, as in Python."""
    source = (
        "def f(xs: list[int]) -> list[int]:\n    x = 5\n    ys = [x * 2 for x in xs if x > 0]\n"
        "    total = sum(y for y in ys if y > 2)\n    s = sum(xs)\n    return ys + [total, x, s]\n\n\n"
        "def g(words: list[str]) -> list[str]:\n    return [w.upper() for w in words if w]\n"
    )
    python = _python_namespace(source)
    model = Anrf.model_validate(import_python(source, filename="c.py"))
    for function, args in (("f", [[1, -2, 3, 4]]), ("f", [[]]), ("g", [["a", "", "bc"]])):
        assert _same(_call_python(python, function, args), _call_anrf(model, function, args))


def test_an_object_oriented_class_imports_with_its_constructor():
    source = '''
class Account:
    """A bank account."""

    def __init__(self, owner: str, balance: int):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount: int) -> "Account":
        if amount > 0:
            self.balance += amount
        return self

    def can_pay(self, amount: int) -> bool:
        return self.balance >= amount and amount > 0
'''
    doc = import_python(source, filename="account.py")
    model = Anrf.model_validate(doc)
    state = run_function(model, ["ada", 10], "Account.new")
    assert state == {"owner": "ada", "balance": 10}
    assert run_function(model, [state, 5], "Account.deposit") == {"owner": "ada", "balance": 15}
    assert run_function(model, [{"owner": "x", "balance": 3}, 4], "Account.can_pay") is False
    struct = next(t for t in doc["semantic"]["types"] if t["type_kind"] == "struct")
    assert [f["name"] for f in struct["fields"]] == ["owner", "balance"]


@pytest.mark.parametrize(("source", "line", "construct"), [
    ("def f(xs):\n    try:\n        return 1\n    except Exception:\n        return 2\n", 2, "a try statement"),
    ("def f(xs):\n    return len([x for x in xs])\n", 2, "a list comprehension"),
    ("def f(x):\n    return 1 if x else 2\n", 2, "a conditional expression (x if c else y)"),
    ("def f(x, y=2):\n    return x\n", 1, "default, keyword-only, positional-only or * parameters"),
    ("import os\n\ndef f(x):\n    return x\n", 1, "import of 'os'"),
    ("def f(xs):\n    return 1 + sum(xs)\n", 2, "a call of sum()"),
    ("def f(x):\n    a, b = x\n    return a\n", 2, "assignment to a tuple"),
    ("x = 1\n", 1, "an assignment at module level"),
    ("def f(:\n", 1, "syntax"),
    ("def f(xs: list[int]) -> int:\n    return xs + 1\n", 2, "types"),
])
def test_unsupported_python_names_the_line_and_the_construct(source, line, construct):
    with pytest.raises(PythonImportError) as info:
        import_python(source, filename="f.py")
    assert info.value.line == line
    assert info.value.construct == construct
    assert str(info.value).startswith(f"line {line}, column ")


def _stdlib_files(count: int) -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in root.glob("*.py"))
    return files[:: max(1, len(files) // count)][:count]


@pytest.mark.parametrize("path", _stdlib_files(60), ids=lambda p: p.name)
def test_the_importer_never_crashes_on_standard_library_files(path):
    """Whole files, and each top-level function on its own: translated, or a PythonImportError."""
    source = path.read_text(encoding="utf-8", errors="replace")
    pieces = [source] + [ast.get_source_segment(source, node) or "" for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
    for piece in pieces:
        try:
            import_python(piece, filename=path.name)
        except PythonImportError as exc:
            assert exc.line >= 1 and exc.message


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_the_importer_never_crashes_on_arbitrary_text(text):
    try:
        import_python(text)
    except PythonImportError:
        pass


# -- the commands --------------------------------------------------------------------------------------


def _anrf(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "anrf_lsp", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_cli_import_then_export_then_run(tmp_path):
    (tmp_path / "inventory.py").write_text(USER_CODE)
    done = _anrf("import", "inventory.py", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["written"] == "inventory.anrf.json"
    assert _anrf("check", "inventory.anrf.json", cwd=tmp_path).returncode == 0
    ran = _anrf("run", "inventory.anrf.json", "--function", "first_negative_index", "--args", "[[4, -1]]", cwd=tmp_path)
    assert ran.stdout.strip() == "1"
    again = _anrf("import", "inventory.py", cwd=tmp_path)  # never over a file: a free name beside it
    assert "inventory-2.anrf.json" in again.stdout
    exported = _anrf("export", "inventory.anrf.json", "--to", "python", "--out", "back.py", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    namespace = _python_namespace((tmp_path / "back.py").read_text())
    assert namespace["shout"](["a", "bcde"]) == "A, BCDE!!"
    refused = _anrf("export", "inventory.anrf.json", "--out", "back.py", cwd=tmp_path)
    assert refused.returncode == 2 and "exists" in refused.stderr


def test_cli_import_error_writes_nothing(tmp_path):
    (tmp_path / "broken.py").write_text("def f(xs):\n    with open(xs) as fh:\n        return fh\n")
    done = _anrf("import", "broken.py", cwd=tmp_path)
    assert done.returncode == 1
    assert "broken.py:2:5: error: a with statement is not in the importable subset" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.py"]
    (tmp_path / "latin.py").write_bytes(b"def f(x):\n    return '\xe9'\n")
    bad = _anrf("import", "latin.py", cwd=tmp_path)
    assert bad.returncode == 2 and "not UTF-8" in bad.stderr


def test_export_reads_literals_as_the_interpreter_does():
    """A constant whose text is not JSON (`NaN`, `Infinity`) is that text to the interpreter, so to the export too."""
    doc = import_python('def f() -> str:\n    return "x"\n', filename="f.py")
    for node in doc["execution"]["nodes"]:
        if node["operation"] == "constant":
            node["properties"]["value"] = "NaN"
    model = Anrf.model_validate(doc)
    assert _python_namespace(to_python(model))["f"]() == run_function(model, []) == "NaN"
