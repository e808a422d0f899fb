/**
 * Drives the real `anrf lsp` server through vscode-languageclient's protocol layer
 * (vscode-languageserver-protocol over the child's stdio), configured exactly as the extension
 * configures it: the server command from `serverOptions()`, the initializationOptions from
 * `clientOptions()`, the client capabilities computed by the real `LanguageClient` (loaded with a
 * stub `vscode` module), and settings read from package.json's configuration block the way
 * `explicitSettings()` reads VS Code's configuration.
 *
 * The server command: env ANRF_LSP_COMMAND (the `anrf` executable), else the repository's
 * .venv/bin/anrf, else `anrf` on PATH.
 */

import "./vscodeStub"; // first: vscode-languageclient requires `vscode`

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

import { LanguageClient } from "vscode-languageclient/node";
import {
  type ClientCapabilities,
  CodeActionRequest,
  ConfigurationRequest,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExecuteCommandRequest,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  type ProtocolConnection,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
  WorkDoneProgressCreateRequest,
  createProtocolConnection,
} from "vscode-languageserver-protocol/node";

import {
  COMMANDS,
  CLIENT_COMMANDS,
  type CodeActionLike,
  type Settings,
  clientOptions,
  configurationResponse,
  didChangeConfigurationParams,
  documentArgument,
  explicitSettings,
  pickAction,
  serverOptions,
  serverSettingKeys,
  statusView,
} from "../src/config";
import * as extension from "../src/extension";

const EXTENSION = resolve(__dirname, "..", "..");
const REPO = resolve(EXTENSION, "..", "..");
const PACKAGE = JSON.parse(readFileSync(join(EXTENSION, "package.json"), "utf8")) as {
  contributes: { commands: { command: string; title: string }[]; configuration: { properties: Record<string, unknown> } };
};
const TIMEOUT_MS = 30_000;

function serverExecutable(): string {
  if (process.env.ANRF_LSP_COMMAND) {
    return process.env.ANRF_LSP_COMMAND;
  }
  const venv = join(REPO, ".venv", "bin", "anrf");
  return existsSync(venv) ? venv : "anrf";
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function offsetAt(text: string, line: number, character: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    offset = text.indexOf("\n", offset) + 1;
  }
  return offset + character;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start.line, b.range.start.character) - offsetAt(text, a.range.start.line, a.range.start.character));
  for (const edit of sorted) {
    const start = offsetAt(text, edit.range.start.line, edit.range.start.character);
    const end = offsetAt(text, edit.range.end.line, edit.range.end.character);
    text = text.slice(0, start) + edit.newText + text.slice(end);
  }
  return text;
}

function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const fromChanges = edit.changes?.[uri] ?? [];
  const fromDocumentChanges = (edit.documentChanges ?? [])
    .filter((change): change is TextDocumentEdit => "textDocument" in change && change.textDocument.uri === uri)
    .flatMap((change) => change.edits as TextEdit[]);
  return [...fromChanges, ...fromDocumentChanges];
}

void test("package.json agrees with the extension's command table", () => {
  const contributed = PACKAGE.contributes.commands.map((c) => [c.command, c.title]);
  const table = [...COMMANDS, ...CLIENT_COMMANDS].map((c) => [c.id, c.title]);
  assert.deepEqual(contributed, table);
  for (const spec of COMMANDS) {
    assert.ok(!spec.id.startsWith("anrf.") || spec.id !== spec.server, `${spec.id} must differ from the server command`);
  }
});

void test("the extension module loads (with the stub vscode) and exports activate/deactivate", () => {
  assert.equal(typeof extension.activate, "function");
  assert.equal(typeof extension.deactivate, "function");
});

void test("settings: only what the user set is sent, nested like the server's model", () => {
  const keys = serverSettingKeys(PACKAGE);
  assert.ok(keys.includes("debounceMs") && keys.includes("server.url") && keys.includes("intentModel"));
  assert.ok(!keys.some((k) => k.startsWith("languageServer") || k === "pythonPath" || k.startsWith("trace")));
  const settings = explicitSettings(keys, (key) =>
    ({ "server.url": { globalValue: "http://gpu:8000" }, debounceMs: { globalValue: 50, workspaceValue: 20 } })[key],
  );
  assert.deepEqual(settings, { debounceMs: 20, server: { url: "http://gpu:8000" } });
  assert.deepEqual(configurationResponse([{ section: "anrf" }, { section: "anrf.server.url" }, { section: "python" }], settings), [
    settings,
    "http://gpu:8000",
    null,
  ]);
  assert.equal(statusView({ settings: { server: { url: "http://gpu:8000" } }, models: {} }).backend, "remote");
});

void test("the real server, configured as the extension configures it", { timeout: 120_000 }, async (t) => {
  const workspace = mkdtempSync(join(tmpdir(), "anrf-vscode-test-"));
  const userSettings: Record<string, unknown> = { ignore: ["ANRF301"], debounceMs: 0 };
  const settings: Settings = explicitSettings(serverSettingKeys(PACKAGE), (key) =>
    key in userSettings ? { globalValue: userSettings[key] } : undefined,
  );
  const launch = { command: [serverExecutable(), "lsp"] };
  const options = clientOptions(settings);

  // What the real LanguageClient makes of the extension's options.
  const languageClient = new LanguageClient("anrf", "ANRF Language Server", serverOptions(launch), options);
  const capabilities = (languageClient as unknown as { computeClientCapabilities(): ClientCapabilities }).computeClientCapabilities();
  const initializationOptions = languageClient.clientOptions.initializationOptions as Settings;
  assert.deepEqual(initializationOptions, { anrf: { ignore: ["ANRF301"], debounceMs: 0 } });
  assert.ok(capabilities.textDocument?.diagnostic, "vscode-languageclient 9 pulls diagnostics");

  const executable = serverOptions(launch, { ...process.env, ANRF_LOG_FILE: join(workspace, "server.log") }, workspace);
  const child: ChildProcess = spawn(executable.command, executable.args ?? [], { ...executable.options, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const connection: ProtocolConnection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const configurationRequests: unknown[] = [];
  connection.onRequest(ConfigurationRequest.type, (params) => {
    configurationRequests.push(params);
    return configurationResponse(params.items, settings);
  });
  connection.onRequest(WorkDoneProgressCreateRequest.type, () => null);
  connection.onRequest(RegistrationRequest.type, () => undefined);
  connection.onRequest("workspace/diagnostic/refresh", () => null);
  connection.listen();

  const pull = async (uri: string): Promise<Diagnostic[]> => {
    const report = await connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    assert.equal(report.kind, "full");
    return report.kind === "full" ? report.items : [];
  };
  const execute = (command: string, args: unknown[] = []) =>
    connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }) as Promise<Record<string, unknown>>;

  try {
    const started = Date.now();
    const init = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: "Visual Studio Code", version: "1.82.0" },
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: "ws" }],
      capabilities,
      initializationOptions,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    t.diagnostic(`initialize answered in ${Date.now() - started} ms`);
    const advertised = init.capabilities.executeCommandProvider?.commands ?? [];
    for (const spec of COMMANDS) {
      assert.ok(advertised.includes(spec.server), `server advertises ${spec.server} (has ${advertised.join(", ")})`);
    }
    await waitFor("workspace/configuration", () => (configurationRequests.length > 0 ? true : undefined));

    // An invalid ANRF document: its diagnostics, with the user's `ignore` applied.
    const file = join(workspace, "dangling_reference.anrf.json");
    let text = readFileSync(join(REPO, "examples", "invalid", "dangling_reference.anrf.json"), "utf8");
    writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "anrf", version: 1, text } });
    const diagnostics = await pull(uri);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.start.line]),
      [["ANRF104", 65]],
      "ANRF104 on line 66 (0-based 65); the ANRF301 warnings are ignored by the user's setting",
    );
    const dangling = diagnostics[0];
    assert.equal(dangling.source, "anrf");
    assert.match(dangling.message, /exec_node_9/);

    // anrf.status: what the status bar shows.
    const status = await execute("anrf.status");
    assert.deepEqual((status.settings as Settings).ignore, ["ANRF301"]);
    assert.equal(status.diagnostics, "pull");
    const view = statusView(status);
    assert.equal(view.backend, "local");
    assert.match(view.text, /ANRF local/);

    // anrf.verify with the argument the Verify command sends.
    const verified = await execute("anrf.verify", [documentArgument(uri)]);
    assert.equal(verified.ok, false);
    assert.ok((verified.findings as { code: string }[]).some((f) => f.code === "ANRF104"));

    // The quick fix at the diagnostic: create the missing execution node (a stub constant; it is
    // uncovered, ANRF301, which the user ignores). "Remove reference" would leave `add` one input short
    // (ANRF205), so the server does not offer it: a quick fix never adds an error.
    const actions = (await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: dangling.range,
      context: { diagnostics: [dangling], only: ["quickfix"], triggerKind: 1 },
    })) as (CodeActionLike & { edit?: WorkspaceEdit })[];
    assert.deepEqual(actions.map((a) => a.title), ["Create stub execution node 'exec_node_9'"]);
    const stub = actions.find((a) => a.kind === "quickfix" && /stub/i.test(a.title) && a.edit);
    assert.ok(stub?.edit);
    const before = text;
    text = applyEdits(text, editsFor(stub.edit, uri));
    assert.ok(text.length > before.length && text.includes('"node_id": "exec_node_9"'), "the stub node is in the text");
    await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text }] });
    const fixed = await waitFor("diagnostics without ANRF104", async () => {
      const now = await pull(uri);
      return now.some((d) => d.code === "ANRF104") ? undefined : now;
    });
    assert.deepEqual(fixed, []);

    // Settings changed in VS Code reach the server (and re-check): ANRF301 warnings come back.
    settings.ignore = [];
    await connection.sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(settings));
    const rechecked = await waitFor("ANRF301 after un-ignoring it", async () => {
      const now = await pull(uri);
      return now.some((d) => d.code === "ANRF301") ? now : undefined;
    });
    assert.ok(rechecked.every((d) => d.code === "ANRF301"));

    // Any other file reaches the server too (intent comments): code actions, no ANRF diagnostics.
    const py = pathToFileURL(join(workspace, "tool.py")).href;
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: py, languageId: "python", version: 1, text: "# anrf: a function that reverses a string\n\ndef f():\n    pass\n" },
    });
    assert.deepEqual(await pull(py), []);
    const generate = COMMANDS.find((c) => c.id === "anrf.client.generate")!;
    const intentActions = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: py },
      range: { start: { line: 0, character: 4 }, end: { line: 0, character: 4 } },
      context: { diagnostics: [], only: [generate.kind!], triggerKind: 1 },
    });
    const command = pickAction(intentActions, generate.server);
    assert.ok(command, "Generate is offered on the intent comment");
    assert.match(String((command.arguments?.[0] as { text: string }).text), /reverses a string/);

    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: py } });
    await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    assert.deepEqual((await execute("anrf.status")).openDocuments, []);

    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 10_000).unref())]);
    assert.equal(code, 0, `server exit code (stderr: ${stderr.slice(-2000)})`);
  } finally {
    connection.dispose();
    if (child.exitCode === null) {
      child.kill("SIGKILL");
    }
    rmSync(workspace, { recursive: true, force: true });
  }
});
