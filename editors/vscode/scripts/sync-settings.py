#!/usr/bin/env python3
"""Regenerate the `contributes.configuration` block (and `version`) of editors/vscode/package.json
from the language server's own settings model, `anrf_lsp.settings.Settings`.

    python editors/vscode/scripts/sync-settings.py          # rewrite package.json
    python editors/vscode/scripts/sync-settings.py --check  # exit 1 when it is out of date

Every server setting becomes `anrf.<camelCaseKey>` (nested models flatten to dotted keys:
`server.url` -> `anrf.server.url`), with the type, enum, bounds, default and description pydantic
reports. A new field on `Settings` needs no edit here or in the extension: run this script.
The client-only settings (how to start the server) are listed below; the extension never sends
them to the server (see `CLIENT_ONLY_KEYS` in src/config.ts).
tests/test_vscode_client.py fails when package.json is not what this script writes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PACKAGE_JSON = HERE.parent / "package.json"
REPO = HERE.parents[2]
SECTION = "anrf"

# Settings the extension itself reads (not the server's). Keep in step with CLIENT_ONLY_KEYS in src/config.ts.
CLIENT_PROPERTIES: dict[str, dict[str, Any]] = {
    "anrf.languageServer.command": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "scope": "machine-overridable",
        "markdownDescription": 'Command that starts the language server, e.g. `["/path/to/.venv/bin/anrf", "lsp"]`. '
        "Empty: `#anrf.pythonPath#` when set, else `anrf lsp` from `PATH`.",
    },
    "anrf.pythonPath": {
        "type": "string",
        "default": "",
        "scope": "machine-overridable",
        "markdownDescription": "Python interpreter that has `anrf-lsp` installed; the server is started as "
        "`<pythonPath> -m anrf_lsp lsp`. Ignored when `#anrf.languageServer.command#` is set.",
    },
    "anrf.trace.server": {
        "type": "string",
        "enum": ["off", "messages", "verbose"],
        "default": "off",
        "scope": "window",
        "description": "Trace the LSP messages between VS Code and the ANRF server in the 'ANRF Language Server' output.",
    },
}

# Descriptions for fields whose pydantic Field has none (better: give the field a description).
FALLBACK_DESCRIPTIONS = {
    "logLevel": "Lowest level of server log records sent to the client (window/logMessage) and the log file.",
}


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def _property(schema: dict[str, Any], key: str, catalog: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "anyOf" in schema:  # Optional[X] -> ["X", "null"]
        types = [s.get("type") for s in schema["anyOf"] if s.get("type")]
        out["type"] = types[0] if len(types) == 1 else types
    elif "type" in schema:
        out["type"] = schema["type"]
    if "items" in schema:
        items = dict(schema["items"])
        if key == "ignore" and catalog:
            items["enum"] = catalog
        out["items"] = items
    for name in ("enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if name in schema:
            out[name] = schema[name]
    out["default"] = schema.get("default")
    description = schema.get("description") or FALLBACK_DESCRIPTIONS.get(key) or f"The server's `{key}` setting."
    out["markdownDescription"] = _sentence(description)
    return out


def server_properties() -> dict[str, dict[str, Any]]:
    sys.path.insert(0, str(REPO))
    from anrf_lsp.settings import Settings
    from checkers import catalog as check_catalog

    catalog = sorted(check_catalog())
    schema = Settings.model_json_schema(by_alias=True)
    defs = schema.get("$defs", {})
    out: dict[str, dict[str, Any]] = {}
    for key, prop in schema["properties"].items():
        ref = prop.get("$ref") or next((s["$ref"] for s in prop.get("allOf", []) if "$ref" in s), None)
        if ref:  # a nested model: one setting per field
            nested = defs[ref.rsplit("/", 1)[-1]]
            for sub, sub_prop in nested["properties"].items():
                out[f"{SECTION}.{key}.{sub}"] = _property(sub_prop, f"{key}.{sub}", catalog)
            continue
        out[f"{SECTION}.{key}"] = _property(prop, key, catalog)
    return out


def configuration() -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for order, (key, prop) in enumerate([*CLIENT_PROPERTIES.items(), *server_properties().items()]):
        properties[key] = {**prop, "order": order}
    return {"title": "ANRF", "properties": properties}


def synced(package: dict[str, Any]) -> dict[str, Any]:
    from anrf_lsp import __version__

    package = json.loads(json.dumps(package))
    package["version"] = __version__
    package.setdefault("contributes", {})["configuration"] = configuration()
    return package


def render(package: dict[str, Any]) -> str:
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether package.json is in sync")
    parser.add_argument("--package-json", type=Path, default=PACKAGE_JSON)
    args = parser.parse_args(argv)
    current = args.package_json.read_text(encoding="utf-8")
    wanted = render(synced(json.loads(current)))
    if current == wanted:
        print(f"{args.package_json}: in sync")
        return 0
    if args.check:
        print(f"{args.package_json}: out of sync with anrf_lsp.settings.Settings; run {Path(__file__).name}", file=sys.stderr)
        return 1
    args.package_json.write_text(wanted, encoding="utf-8")
    print(f"{args.package_json}: updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
