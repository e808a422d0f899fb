"""The VS Code extension in a real VS Code: code-server (VS Code in the browser) on a loopback port,
with a temporary user-data and extensions dir, the freshly packaged .vsix installed, a temporary
workspace, and the workbench driven through headless Chromium (Playwright, Debian's chromium).

Every wait is on what the page shows (selectors, text), with a timeout; each step saves a screenshot
(PNG, about 100 KB) under test-artifacts/vscode/. Needs, as .ci/run installs them:
  apt-get install chromium ripgrep libkrb5-dev
  sh editors/vscode/scripts/install-code-server.sh
  (cd editors/vscode && npm ci && npm run package)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from checkers import check_text

ROOT = Path(__file__).resolve().parent.parent
CODE_SERVER = ROOT / "editors" / "vscode" / ".e2e" / "code-server" / "node_modules" / ".bin" / "code-server"
VSIX = ROOT / "editors" / "vscode" / "anrf-lsp-0.1.0.vsix"
ARTIFACTS = ROOT / "test-artifacts" / "vscode"
EXAMPLES = ROOT / "examples"
TIMEOUT_MS = 30_000
CHROMIUM = os.environ.get("ANRF_E2E_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
pytestmark = [
    pytest.mark.timeout(600),
    pytest.mark.skipif(not CODE_SERVER.exists(), reason=f"code-server is not installed: sh editors/vscode/scripts/install-code-server.sh ({CODE_SERVER})"),
    pytest.mark.skipif(not VSIX.exists(), reason="the extension is not packaged: (cd editors/vscode && npm ci && npm run package)"),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: apt-get install chromium"),
]

INTENT = "a function that reverses a string"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Workbench:
    """One code-server and one browser page on it; helpers that act as a user does and wait on what shows."""

    def __init__(self, page, workspace: Path):
        self.page, self.workspace, self.shots = page, workspace, 0

    def shot(self, step: str) -> Path:
        self.shots += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.shots:02d}-{step}.png"
        self.page.screenshot(path=str(path))
        return path

    def pick(self, keys: str, text: str) -> None:
        """Open a quick pick (Quick Open, the command palette), type `text`, take the row it selects."""
        self.page.keyboard.press(keys)
        self.page.wait_for_selector(".quick-input-widget input", timeout=TIMEOUT_MS)
        self.page.keyboard.type(text)
        self.page.wait_for_selector(f'.quick-input-list .monaco-list-row.focused:has-text("{text}")', timeout=TIMEOUT_MS)
        self.page.keyboard.press("Enter")

    def open(self, name: str) -> None:
        """Quick Open (Ctrl+P) the workspace file `name`."""
        self.pick("Control+P", name)
        self.until(f"{name} in the active tab", lambda: self.page.locator(f'.tab.active:has-text("{name}")').count() > 0)

    def command(self, title: str) -> None:
        """Run a command from the palette by its title."""
        self.pick("Control+Shift+P", title)

    def goto(self, line: int, column: int) -> None:
        self.page.keyboard.press("Control+G")
        self.page.keyboard.type(f"{line}:{column}")
        self.page.keyboard.press("Enter")

    def problems(self) -> list[str]:
        """The Problems panel's rows for the active file (the panel is opened once and stays open)."""
        if not self.page.locator(".markers-panel").is_visible():
            self.command("View: Focus Problems")
            self.page.wait_for_selector(".markers-panel", timeout=TIMEOUT_MS)
        return [t.replace("\u00a0", " ") for t in self.page.locator(".markers-panel .monaco-list-row").all_inner_texts()]

    def codes(self, name: str | None = None) -> Counter:
        """The codes in the Problems panel, of file `name` only (the rows under its header row) when given."""
        mine, out = name is None, Counter()
        for row in self.problems():
            if "[Ln " not in row:  # a file's header row: its name and count
                mine = name is None or row.split("\n", 1)[0].strip() == name
            elif mine:
                out.update(re.findall(r"ANRF\d{3}", row))
        return out

    def until(self, what: str, predicate, timeout_ms: int = TIMEOUT_MS):
        """Poll what the page shows until `predicate()` is truthy; its value."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                self.shot("timeout")
                pytest.fail(f"timed out waiting for {what}")
            self.page.wait_for_timeout(100)

    def editor_text(self) -> str:
        """The visible lines of the active editor, inlay hints included."""
        return self.page.locator(".editor-instance .view-lines").first.inner_text().replace("\u00a0", " ")

    def quick_fix(self, title: str) -> None:
        """Ctrl+. at the cursor, then the action titled `title`."""
        row = f'.action-widget .monaco-list-row.action:has-text("{title}")'
        for _ in range(6):  # a menu asked for before the server has the file's text is empty: ask again
            self.page.keyboard.press("Control+Period")
            try:
                self.page.wait_for_selector(row, timeout=5_000)
                break
            except playwright_api.TimeoutError:
                self.page.keyboard.press("Escape")
        else:
            self.shot("no-action")
            pytest.fail(f"no code action titled {title!r}")
        actions = self.page.locator(".action-widget .monaco-list-row.action").all_inner_texts()
        k = next(i for i, a in enumerate(actions) if title in a)
        for _ in range(k):  # the menu takes the keyboard, as a user would use it (the mouse is blocked by its overlay)
            self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Enter")

    def hover(self) -> str:
        """Show the hover at the cursor (Ctrl+K Ctrl+I) and read it."""
        self.page.keyboard.press("Control+K")
        self.page.keyboard.press("Control+I")
        self.page.wait_for_selector(".monaco-hover:not(.hidden)", timeout=TIMEOUT_MS)
        return self.until("the hover's text", lambda: self.page.locator(".monaco-hover:not(.hidden)").first.inner_text())


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("vscode-e2e")
    user, extensions, workspace = base / "user", base / "extensions", base / "workspace"
    for d in (user / "User", extensions, workspace):
        d.mkdir(parents=True)
    installed = subprocess.run([str(CODE_SERVER), "--user-data-dir", str(user), "--extensions-dir", str(extensions),
                                "--install-extension", str(VSIX)], capture_output=True, text=True, timeout=180, check=False)
    assert installed.returncode == 0 and "successfully installed" in installed.stdout, installed.stdout + installed.stderr
    (user / "User" / "settings.json").write_text(json.dumps({
        "anrf.languageServer.command": [sys.executable, "-m", "anrf_lsp", "lsp"],
        "security.workspace.trust.enabled": False,
        "workbench.startupEditor": "none",
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoCheckUpdates": False,
        "workbench.tips.enabled": False,
        "editor.hover.delay": 100,
    }, indent=2))
    for name in ("dangling_reference", "unsupported_version"):
        shutil.copy(EXAMPLES / "invalid" / f"{name}.anrf.json", workspace)
    (workspace / "tool.py").write_text(f"# anrf: {INTENT}\n\n\ndef main():\n    pass\n")
    port = _free_port()
    server = subprocess.Popen([str(CODE_SERVER), "--bind-addr", f"127.0.0.1:{port}", "--auth", "none", "--disable-telemetry",
                               "--disable-update-check", "--disable-workspace-trust", "--user-data-dir", str(user),
                               "--extensions-dir", str(extensions), str(workspace)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                              env={**os.environ, "ANRF_DATA_DIR": str(base / "data"), "XDG_STATE_HOME": str(base / "state"),
                                   "ANRF_LOG_LEVEL": "debug"})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "code-server did not start"
            time.sleep(0.2)
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"http://127.0.0.1:{port}/?folder={workspace}")
            page.wait_for_selector(".monaco-workbench", timeout=60_000)
            yield Workbench(page, workspace)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _cli_codes(path: Path) -> Counter:
    """The codes `anrf check --format json` reports for `path`."""
    out = subprocess.run([sys.executable, "-m", "anrf_lsp", "check", "--format", "json", str(path)], capture_output=True, text=True,
                         timeout=120, check=False)
    return Counter(f["code"] for f in json.loads(out.stdout))


def test_1_problems_panel_lists_the_checkers_findings(workbench: Workbench):
    workbench.open("dangling_reference.anrf.json")
    expected = _cli_codes(workbench.workspace / "dangling_reference.anrf.json")
    assert expected["ANRF104"] == 1
    workbench.until("the checker's findings in the Problems panel", lambda: workbench.codes("dangling_reference.anrf.json") == expected)
    workbench.page.wait_for_selector('.statusbar-item:has-text("ANRF local")', timeout=TIMEOUT_MS)  # the status-bar item
    workbench.shot("problems")


def test_2_a_quick_fix_from_the_menu_removes_its_finding(workbench: Workbench):
    workbench.open("dangling_reference.anrf.json")
    text = (workbench.workspace / "dangling_reference.anrf.json").read_text()
    [dangling] = [f for f in check_text(text) if f.code == "ANRF104"]
    workbench.goto(dangling.range.start.line + 1, dangling.range.start.character + 2)
    workbench.quick_fix("Create stub execution node 'exec_node_9'")
    name = "dangling_reference.anrf.json"
    workbench.until("ANRF104 to go", lambda: "ANRF104" not in workbench.codes(name) and workbench.codes(name))
    workbench.shot("quick-fix")


def test_3_typing_adds_a_finding_and_undo_removes_it(workbench: Workbench):
    workbench.open("unsupported_version.anrf.json")
    text = (workbench.workspace / "unsupported_version.anrf.json").read_text()
    before = Counter(f.code for f in check_text(text))
    name = "unsupported_version.anrf.json"
    workbench.until("the file's findings", lambda: workbench.codes(name) == before)
    lines = text.splitlines()
    line = next(i for i, row in enumerate(lines) if '"anrf_id"' in row)
    workbench.goto(line + 1, len(lines[line]) + 1)  # the end of the anrf_id line
    workbench.page.keyboard.insert_text(' "colour": "red",')  # an unknown field (ANRF107), typed as one input
    workbench.until("a new ANRF107", lambda: workbench.codes(name)["ANRF107"] == before["ANRF107"] + 1)
    workbench.shot("typed")
    for _ in range(len(' "colour": "red",')):  # undo as a user does: until the text is back (the editor groups the steps)
        workbench.page.keyboard.press("Control+Z")
        if workbench.page.locator(".editor-instance .view-lines").first.inner_text().count("colour") == 0:
            break
    workbench.until("the finding to go after undo", lambda: workbench.codes(name) == before)
    workbench.shot("undone")


def test_4_hover_shows_the_node_card_and_the_confidence_hint_is_visible(workbench: Workbench):
    workbench.open("dangling_reference.anrf.json")
    workbench.goto(1, 1)  # the hint is on line 2, after anrf_id
    workbench.until("the confidence inlay hint", lambda: "confidence 0.95" in workbench.editor_text())
    text = (workbench.workspace / "dangling_reference.anrf.json").read_text()
    lines = text.splitlines()
    line = next(i for i, row in enumerate(lines) if '"node_id": "func_sum"' in row)
    workbench.goto(line + 1, lines[line].index("func_sum") + 3)
    card = workbench.hover()
    assert "func_sum" in card and "semantic" in card.lower(), card
    workbench.shot("hover")
    workbench.page.keyboard.press("Escape")


def test_5_generate_from_an_intent_comment_opens_the_new_file(workbench: Workbench):
    workbench.open("tool.py")
    workbench.goto(1, 5)
    workbench.quick_fix("ANRF: Generate from intent")
    workbench.page.wait_for_selector('.tab:has-text("reverse_string.anrf.json")', timeout=120_000)
    generated = workbench.workspace / "anrf" / "reverse_string.anrf.json"
    workbench.until("the generated file on disk", generated.exists)
    assert not [f for f in check_text(generated.read_text()) if f.severity == "error"]
    workbench.shot("generated")
    workbench.page.locator('.tab:has-text("tool.py")').first.click()
    workbench.until("the comment's inlay hint", lambda: "anrf/reverse_string.anrf.json" in workbench.editor_text())
    workbench.goto(1, 12)
    card = workbench.hover()
    assert "reverse_string.anrf.json" in card, card
    workbench.shot("comment-hint")
    workbench.page.keyboard.press("Escape")


def test_6_a_setting_changed_in_the_settings_ui_reaches_the_server(workbench: Workbench):
    """anrf.ignore edited in the Settings editor: the server stops reporting the ignored code."""
    name = "dangling_reference.anrf.json"
    workbench.open(name)
    workbench.until("ANRF301 in the Problems panel", lambda: workbench.codes(name)["ANRF301"] > 0)
    workbench.command("Preferences: Open User Settings")
    search = workbench.page.locator(".settings-editor .settings-header .monaco-editor textarea, .settings-editor .suggest-input-container textarea").first
    search.wait_for(timeout=TIMEOUT_MS)
    search.focus()
    workbench.page.keyboard.insert_text("anrf.ignore")
    item = workbench.page.locator('.settings-editor .setting-item-contents:has-text("Ignore")').first
    item.wait_for(timeout=TIMEOUT_MS)
    item.locator(".setting-list-addButton").first.click()
    choice = item.locator(".setting-list-edit-row select").first  # the codes are an enum: a select box
    choice.wait_for(timeout=TIMEOUT_MS)
    choice.select_option("ANRF301")
    choice.dispatch_event("change")
    item.locator(".setting-list-ok-button").first.click()
    workbench.until("ANRF301 listed in the setting", lambda: item.locator('.setting-list-row:has-text("ANRF301")').count() > 0)
    workbench.shot("settings-ui")
    workbench.open("unsupported_version.anrf.json")  # open since test 3: keeps its ANRF102, loses its ANRF301 warnings
    workbench.until("ANRF301 to go from the Problems panel, ANRF102 to stay",
                    lambda: workbench.codes("unsupported_version.anrf.json") == Counter({"ANRF102": 1}) and not workbench.codes(name)["ANRF301"])
    workbench.shot("setting-applied")
