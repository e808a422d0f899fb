/**
 * The extension's configuration of the language client, as plain functions that do not import
 * `vscode`: how the server is started, what the client sends it (initializationOptions,
 * didChangeConfiguration, answers to workspace/configuration), which documents it gets, the
 * commands, and how `anrf.status` shows in the status bar. `extension.ts` wires these into VS Code;
 * the Node test (test/server.test.ts) drives the real server with the very same functions.
 */

import type { Executable, LanguageClientOptions } from "vscode-languageclient/node";

/** The configuration section: VS Code settings `anrf.*`, the server's settings section `anrf`. */
export const SECTION = "anrf";

/** `anrf.*` settings the extension reads itself; never sent to the server (see scripts/sync-settings.py). */
export const CLIENT_ONLY_KEYS: readonly string[] = ["languageServer", "pythonPath", "trace"];

export const LANGUAGE_ID = "anrf";
export const FILE_PATTERN = "**/*.anrf.json";

/** Code action kinds of the server's workflow actions (anrf_lsp/lsp/workflow.py). */
export const GENERATE_KIND = "refactor.anrf";
export const FEEDBACK_KIND = "source.anrf";

export type ArgumentKind =
  /** an intent: the server's code action at the cursor/selection, else a prompt for the text */
  | "intent"
  /** the active document: `{uri}` */
  | "document"
  /** no argument */
  | "none";

export interface CommandSpec {
  /** VS Code command id (distinct from the server's: the client registers those for code actions) */
  readonly id: string;
  /** the server's workspace/executeCommand command */
  readonly server: string;
  readonly title: string;
  readonly argument: ArgumentKind;
  /** code action kind to look for (intent commands) */
  readonly kind?: string;
}

/**
 * The commands of the command palette. Adding one is a line here and its entry in package.json's
 * `contributes.commands` (the test checks they agree); the Neovim plugin has the same table.
 */
export const COMMANDS: readonly CommandSpec[] = [
  { id: "anrf.client.generate", server: "anrf.generate", title: "Generate ANRF from Intent", argument: "intent", kind: GENERATE_KIND },
  { id: "anrf.client.analyze", server: "anrf.analyzeIntent", title: "Analyze Intent", argument: "intent", kind: GENERATE_KIND },
  { id: "anrf.client.verify", server: "anrf.verify", title: "Verify Document", argument: "document" },
  { id: "anrf.client.accept", server: "anrf.accept", title: "Accept Generated File", argument: "document" },
  { id: "anrf.client.reject", server: "anrf.reject", title: "Reject Generated File", argument: "document" },
  { id: "anrf.client.status", server: "anrf.status", title: "Show Server Status", argument: "none" },
  { id: "anrf.client.importPython", server: "anrf.importPython", title: "Import Python File as ANRF", argument: "document" },
  { id: "anrf.client.exportPython", server: "anrf.exportPython", title: "Export Document to Python", argument: "document" },
];

/** Extension-only commands (no server command behind them). */
export const CLIENT_COMMANDS: readonly { id: string; title: string }[] = [
  { id: "anrf.client.restart", title: "Restart Language Server" },
  { id: "anrf.client.showOutput", title: "Show Language Server Output" },
];

// -- starting the server ------------------------------------------------------------------------

export interface LaunchSettings {
  /** `anrf.languageServer.command`: the full command line, e.g. ["/venv/bin/anrf", "lsp"] */
  command?: readonly string[];
  /** `anrf.pythonPath`: an interpreter with anrf-lsp installed (`python -m anrf_lsp lsp`) */
  pythonPath?: string;
}

/** The command line that starts the server: the command, else the interpreter, else `anrf lsp` on PATH. */
export function serverCommand(launch: LaunchSettings): string[] {
  const command = (launch.command ?? []).filter((part) => part.trim() !== "");
  if (command.length > 0) {
    return [...command];
  }
  const python = launch.pythonPath?.trim();
  if (python) {
    return [python, "-m", "anrf_lsp", "lsp"];
  }
  return ["anrf", "lsp"];
}

/** The languageclient's `ServerOptions`: the server over stdio. */
export function serverOptions(launch: LaunchSettings, env: NodeJS.ProcessEnv = process.env, cwd?: string): Executable {
  const [command, ...args] = serverCommand(launch);
  return { command, args, options: { env: { ...env }, cwd } };
}

// -- settings -----------------------------------------------------------------------------------

export type Settings = Record<string, unknown>;

/** The part of the extension's package.json read here. */
export interface PackageJson {
  contributes?: { configuration?: { properties?: Record<string, unknown> } };
}

/** The server's setting keys (`debounceMs`, `server.url`, ...) from package.json's configuration block. */
export function serverSettingKeys(packageJson: PackageJson): string[] {
  const properties = packageJson.contributes?.configuration?.properties ?? {};
  return Object.keys(properties)
    .filter((key) => key.startsWith(SECTION + "."))
    .map((key) => key.slice(SECTION.length + 1))
    .filter((key) => !CLIENT_ONLY_KEYS.includes(key.split(".")[0]));
}

/** What `WorkspaceConfiguration.inspect(key)` answers (the parts used here). */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The settings the user set (user, workspace or folder level; the most specific wins), nested
 * (`server.url` -> `{server: {url}}`). Defaults are left out on purpose, so the server's own
 * defaults, `ANRF_*` environment variables and command-line flags keep working for any key the
 * user did not set in VS Code.
 */
export function explicitSettings(keys: readonly string[], inspect: (key: string) => Inspected | undefined): Settings {
  const out: Settings = {};
  for (const key of keys) {
    const seen = inspect(key);
    const value = seen?.workspaceFolderValue ?? seen?.workspaceValue ?? seen?.globalValue;
    if (value === undefined) {
      continue;
    }
    const parts = key.split(".");
    let target = out;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      target = (typeof next === "object" && next !== null ? next : (target[part] = {})) as Settings;
    }
    target[parts[parts.length - 1]] = value;
  }
  return out;
}

/** `initializationOptions` of the initialize request: the `anrf` section. */
export function initializationOptions(settings: Settings): Settings {
  return { [SECTION]: settings };
}

/** The params of `workspace/didChangeConfiguration` after a settings change. */
export function didChangeConfigurationParams(settings: Settings): { settings: Settings } {
  return { settings: { [SECTION]: settings } };
}

/** The answer to `workspace/configuration`: the `anrf` section (or a key inside it), null for others. */
export function configurationResponse(items: readonly { section?: string }[], settings: Settings): unknown[] {
  return items.map(({ section }) => {
    if (section === SECTION) {
      return settings;
    }
    if (section?.startsWith(SECTION + ".")) {
      let value: unknown = settings;
      for (const part of section.slice(SECTION.length + 1).split(".")) {
        value = typeof value === "object" && value !== null ? (value as Settings)[part] : undefined;
      }
      return value ?? null;
    }
    return null;
  });
}

// -- the client ----------------------------------------------------------------------------------

/**
 * Documents the server gets: ANRF documents, and every other file too, for intent comments
 * (`# anrf: ...` in any language). The server decides what it checks: ANRF diagnostics only ever
 * come for `*.anrf.json` and documents of language `anrf`.
 */
export const DOCUMENT_SELECTOR = [
  { language: LANGUAGE_ID },
  { scheme: "file", pattern: FILE_PATTERN },
  { scheme: "file" },
  { scheme: "untitled", language: LANGUAGE_ID },
];

/** The languageclient options that do not need `vscode` (extension.ts adds middleware). */
export function clientOptions(settings: Settings): LanguageClientOptions {
  return {
    documentSelector: DOCUMENT_SELECTOR,
    initializationOptions: initializationOptions(settings),
    diagnosticCollectionName: SECTION,
    outputChannelName: "ANRF Language Server",
    markdown: { isTrusted: false, supportHtml: false },
  };
}

// -- commands ----------------------------------------------------------------------------------

export interface CommandLike {
  command: string;
  arguments?: unknown[];
}

export interface CodeActionLike {
  title: string;
  kind?: string;
  command?: CommandLike | string;
  arguments?: unknown[];
}

/** The server command a code action (or bare Command) runs, with its arguments. */
export function actionCommand(action: CodeActionLike): CommandLike | undefined {
  if (typeof action.command === "string") {
    return { command: action.command, arguments: action.arguments };
  }
  return action.command;
}

/** The first code action that runs `serverCommand` (the server puts the closest intent first). */
export function pickAction(actions: readonly CodeActionLike[] | null | undefined, serverCommand: string): CommandLike | undefined {
  for (const action of actions ?? []) {
    const command = actionCommand(action);
    if (command?.command === serverCommand) {
      return command;
    }
  }
  return undefined;
}

/** The argument of an intent command when there is no code action: the text the user typed. */
export function intentArgument(text: string, uri?: string, line?: number): Record<string, unknown> {
  return { text, ...(uri ? { uri } : {}), ...(line !== undefined ? { line } : {}) };
}

/** The argument of a document command (verify, accept, reject). */
export function documentArgument(uri: string): { uri: string } {
  return { uri };
}

export function isAnrfDocument(uri: string, languageId?: string): boolean {
  return uri.endsWith(".anrf.json") || languageId === LANGUAGE_ID;
}

// -- status -----------------------------------------------------------------------------------

export interface StatusView {
  backend: "local" | "remote";
  text: string;
  tooltip: string;
  busy: boolean;
}

interface ModelInfo {
  directory?: string;
  device?: string;
  [key: string]: unknown;
}

function str(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "?";
}

/** How an `anrf.status` answer shows in the status bar: backend (local/remote) and model state. */
export function statusView(status: Record<string, unknown> | null | undefined): StatusView {
  const settings = (status?.settings ?? {}) as Settings;
  const server = (settings.server ?? {}) as Settings;
  const url = typeof server.url === "string" && server.url ? server.url : undefined;
  const backend = url ? "remote" : "local";
  const models = (status?.models ?? {}) as Record<string, ModelInfo | null>;
  const generations = Array.isArray(status?.generations) ? (status.generations as unknown[]) : [];
  const busy = generations.length > 0;
  const names = Object.keys(models);
  const loaded = names.filter((name) => models[name]);
  const modelText = url ? "models remote" : loaded.length === 0 ? "models idle" : `${loaded.join("+")} loaded`;
  const icon = busy ? "$(sync~spin)" : backend === "remote" ? "$(cloud)" : "$(server-process)";
  const text = `${icon} ANRF ${backend}: ${busy ? `generating (${generations.length})` : modelText}`;
  const lines = [`anrf-lsp ${str(status?.version)} — ${backend}${url ? ` (${url})` : ""}`];
  for (const name of names) {
    const info = models[name];
    const detail = info ? [info.directory, info.device].filter(Boolean).join(", ") || "loaded" : "not loaded";
    lines.push(`${name} model: ${detail}`);
  }
  if (!url) {
    lines.push(`settings: intentModel=${str(settings.intentModel)}, generatorModel=${str(settings.generatorModel)}, modelDevice=${str(settings.modelDevice)}`);
  }
  const open = Array.isArray(status?.openDocuments) ? status.openDocuments.length : 0;
  lines.push(`${open} ANRF document(s) open, diagnostics ${str(status?.diagnostics)}`);
  if (busy) {
    lines.push(`${generations.length} generation(s) running`);
  }
  return { backend, text, tooltip: lines.join("\n"), busy };
}
