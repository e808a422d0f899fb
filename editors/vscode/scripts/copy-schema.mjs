// Copies the ANRF JSON Schema from the Python package into the extension (schemas/), where
// package.json's `jsonValidation` points. Run by `npm run compile` (and so by `vsce package`).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "..", "..", "..", "anrf_lsp", "schema", "anrf-v1.schema.json");
const target = join(here, "..", "schemas", "anrf-v1.schema.json");
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`copied ${source} -> ${target}`);
