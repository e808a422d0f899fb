/**
 * The VS Code side: starts `anrf lsp` with vscode-languageclient (configured by ./config.ts),
 * registers the palette commands, keeps the server's settings in step with `anrf.*`, and shows
 * backend and model state from `anrf.status` in the status bar.
 */

import * as vscode from "vscode";
import {
  CodeActionRequest,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  State,
} from "vscode-languageclient/node";

import {
  CLIENT_COMMANDS,
  COMMANDS,
  type CommandSpec,
  type PackageJson,
  SECTION,
  type Settings,
  clientOptions,
  configurationResponse,
  didChangeConfigurationParams,
  documentArgument,
  explicitSettings,
  initializationOptions,
  intentArgument,
  pickAction,
  serverOptions,
  serverSettingKeys,
  statusView,
} from "./config";

const STATUS_POLL_MS = 15_000;

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem | undefined;
let statusTimer: ReturnType<typeof setInterval> | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const keys = serverSettingKeys(context.extension.packageJSON as PackageJson);
  const currentSettings = (): Settings => {
    const config = vscode.workspace.getConfiguration(SECTION);
    return explicitSettings(keys, (key) => config.inspect(key));
  };

  statusItem = vscode.window.createStatusBarItem("anrf.status", vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "ANRF";
  statusItem.command = "anrf.client.status";
  statusItem.text = "$(loading~spin) ANRF";
  statusItem.show();
  context.subscriptions.push(statusItem);

  for (const spec of COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(spec.id, () => runCommand(spec)));
  }
  const [restart, showOutput] = CLIENT_COMMANDS;
  context.subscriptions.push(
    vscode.commands.registerCommand(restart.id, async () => {
      await stopClient();
      await startClient(context, currentSettings);
    }),
    vscode.commands.registerCommand(showOutput.id, () => client?.outputChannel.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) {
        return;
      }
      if (event.affectsConfiguration(`${SECTION}.languageServer`) || event.affectsConfiguration(`${SECTION}.pythonPath`)) {
        await stopClient();
        await startClient(context, currentSettings);
        return;
      }
      if (client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(currentSettings()));
        void refreshStatus();
      }
    }),
  );
  await startClient(context, currentSettings);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

async function startClient(context: vscode.ExtensionContext, currentSettings: () => Settings): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const launch = {
    command: config.get<string[]>("languageServer.command", []),
    pythonPath: config.get<string>("pythonPath", ""),
  };
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const options = clientOptions(currentSettings());
  options.initializationOptions = () => initializationOptions(currentSettings());
  options.middleware = {
    workspace: {
      // The server asks for the `anrf` section after `initialized` and when a change carries no settings.
      configuration: (params) => configurationResponse(params.items, currentSettings()),
    },
    // Server commands run from code actions (the lightbulb) come through here, not through runCommand.
    executeCommand: async (command, args, next) => {
      const result: unknown = await next(command, args);
      await saveCreated(command, result);
      return result;
    },
  };
  client = new LanguageClient(SECTION, "ANRF Language Server", serverOptions(launch, process.env, cwd), options);
  client.onDidChangeState((event) => {
    if (event.newState === State.Stopped && statusItem) {
      statusItem.text = "$(error) ANRF stopped";
      statusItem.tooltip = "The ANRF language server is not running. Run 'ANRF: Restart Language Server'.";
    }
  });
  try {
    await client.start();
  } catch (error) {
    const command = [serverOptions(launch).command, ...(serverOptions(launch).args ?? [])].join(" ");
    const pick = await vscode.window.showErrorMessage(
      `ANRF: cannot start the language server (\`${command}\`): ${String(error)}. Set "anrf.languageServer.command" or "anrf.pythonPath".`,
      "Open Settings",
    );
    if (pick) {
      await vscode.commands.executeCommand("workbench.action.openSettings", "anrf.languageServer");
    }
    return;
  }
  void refreshStatus();
  statusTimer = setInterval(() => void refreshStatus(), STATUS_POLL_MS);
  context.subscriptions.push({ dispose: () => statusTimer && clearInterval(statusTimer) });
}

async function stopClient(): Promise<void> {
  if (statusTimer) {
    clearInterval(statusTimer);
    statusTimer = undefined;
  }
  const running = client;
  client = undefined;
  if (running) {
    await running.stop().catch(() => undefined);
  }
}

const CREATING_COMMANDS = new Set(["anrf.generate", "anrf.importPython", "anrf.exportPython"]);

/** A file the server created through workspace/applyEdit is only an unsaved buffer in VS Code (the edit
 * creates it empty, then inserts the text): save it, so the new file is on disk like any other way of
 * running the command (the CLI, Neovim) leaves it. */
async function saveCreated(command: string, result: unknown): Promise<void> {
  const data = (result ?? {}) as Record<string, unknown>;
  if (!CREATING_COMMANDS.has(command) || data.created !== "workspaceEdit" || typeof data.uri !== "string") {
    return;
  }
  const uri = data.uri;
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)));
  if (doc.isDirty) {
    await doc.save();
  }
}

async function execute(command: string, args: unknown[]): Promise<unknown> {
  if (!client?.isRunning()) {
    throw new Error("the ANRF language server is not running");
  }
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

async function refreshStatus(): Promise<void> {
  if (!statusItem || !client?.isRunning()) {
    return;
  }
  try {
    const view = statusView((await execute("anrf.status", [])) as Record<string, unknown>);
    statusItem.text = view.text;
    statusItem.tooltip = view.tooltip;
  } catch {
    statusItem.text = "$(warning) ANRF";
  }
}

/** The server's code action for an intent at the cursor or selection (comment, selection, or ANRF file). */
async function intentAction(spec: CommandSpec, editor: vscode.TextEditor): Promise<unknown[] | undefined> {
  if (!client) {
    return undefined;
  }
  const actions = await client.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: editor.document.uri.toString() },
    range: client.code2ProtocolConverter.asRange(editor.selection),
    context: { diagnostics: [], only: spec.kind ? [spec.kind] : undefined, triggerKind: 1 },
  });
  const found = pickAction(actions, spec.server);
  return found ? (found.arguments ?? []) : undefined;
}

async function commandArguments(spec: CommandSpec): Promise<unknown[] | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (spec.argument === "none") {
    return [];
  }
  if (spec.argument === "document") {
    if (!editor) {
      void vscode.window.showWarningMessage(`ANRF: ${spec.title} needs an open document.`);
      return undefined;
    }
    return [documentArgument(editor.document.uri.toString())];
  }
  if (editor) {
    const fromServer = await intentAction(spec, editor);
    if (fromServer) {
      return fromServer;
    }
  }
  const text = await vscode.window.showInputBox({
    title: `ANRF: ${spec.title}`,
    prompt: "No intent comment (# anrf: ...) or selection here. Describe what to generate:",
    placeHolder: "a function that returns the largest number in a list, in O(n) time",
  });
  if (!text) {
    return undefined;
  }
  return [intentArgument(text, editor?.document.uri.toString(), editor?.selection.active.line)];
}

async function runCommand(spec: CommandSpec): Promise<void> {
  try {
    const args = await commandArguments(spec);
    if (args === undefined) {
      return;
    }
    // Long work (generation) reports its own work-done progress, with a Cancel button.
    const result = await execute(spec.server, args);
    await saveCreated(spec.server, result);
    await show(spec, result);
  } catch (error) {
    if (!shownByServer(error)) {
      void vscode.window.showErrorMessage(`ANRF: ${spec.title} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  } finally {
    void refreshStatus();
  }
}

/** The server already showed this error (its answer says so in `data.shown`): one message, not two. */
export function shownByServer(error: unknown): boolean {
  const data = (error as { data?: unknown } | null)?.data;
  return typeof data === "object" && data !== null && (data as { shown?: unknown }).shown === true;
}

async function show(spec: CommandSpec, result: unknown): Promise<void> {
  const data = (result ?? {}) as Record<string, unknown>;
  switch (spec.server) {
    case "anrf.verify": {
      const counts = (data.counts ?? {}) as Record<string, number>;
      const summary = `${counts.error ?? 0} error(s), ${counts.warning ?? 0} warning(s), ${counts.info ?? 0} info`;
      const message = data.ok ? `ANRF: verified, no errors (${summary}).` : `ANRF: ${summary}.`;
      void (data.ok ? vscode.window.showInformationMessage(message) : vscode.window.showWarningMessage(message));
      return;
    }
    case "anrf.status": {
      const view = statusView(data);
      void vscode.window.showInformationMessage(view.tooltip.replace(/\n/g, " · "), "Show Output").then((pick) => {
        if (pick) {
          client?.outputChannel.show(true);
        }
      });
      return;
    }
    case "anrf.analyzeIntent": {
      const doc = await vscode.workspace.openTextDocument({ language: "json", content: JSON.stringify(result, null, 2) });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      return;
    }
    case "anrf.generate": {
      // The server created the file with workspace/applyEdit and asked the editor to show it.
      const uri = typeof data.uri === "string" ? data.uri : undefined;
      const score = typeof data.confidenceScore === "number" ? ` (confidence ${data.confidenceScore.toFixed(2)})` : "";
      if (uri) {
        void vscode.window.showInformationMessage(`ANRF: generated ${vscode.Uri.parse(uri).path.split("/").pop()}${score}.`);
      }
      // declined ({declined, reason, canForce}): the server's warning says why; the comment's hint,
      // hover and "Generate anyway" code action keep it
      return;
    }
    case "anrf.importPython":
    case "anrf.exportPython": {
      // The server created the file beside the source (workspace/applyEdit, or on disk).
      const uri = typeof data.uri === "string" ? data.uri : undefined;
      if (uri) {
        await vscode.window.showTextDocument(vscode.Uri.parse(uri), { preview: false });
      }
      return;
    }
    default:
      return; // accept/reject: the server shows its own message
  }
}
