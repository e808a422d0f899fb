/**
 * A stand-in for the `vscode` module, so the real `vscode-languageclient` can be loaded outside
 * VS Code and asked what it would send (its client capabilities and normalized options). Every
 * property is another stub; only `version` is real (the client checks it). Import this module
 * before `vscode-languageclient`.
 */

import Module from "node:module";

type Loader = { _resolveFilename(request: string, ...rest: unknown[]): string };

function stub(name: string, own: Record<string, unknown> = {}): unknown {
  const cache: Record<string | symbol, unknown> = { ...own };
  return new Proxy(function () {}, {
    get(_target, key) {
      if (key === Symbol.toPrimitive) {
        return () => name;
      }
      if (typeof key === "symbol" || key === "then") {
        return undefined;
      }
      if (!(key in cache)) {
        cache[key] = stub(`${name}.${key}`);
      }
      return cache[key];
    },
    construct: () => stub(`new ${name}`) as object,
    apply: () => stub(`${name}()`),
  });
}

/** The VS Code version the stub claims: the lowest the extension supports (package.json engines). */
export const VSCODE_VERSION = "1.82.0";

const loader = Module as unknown as Loader;
const resolve = loader._resolveFilename.bind(loader);
loader._resolveFilename = (request: string, ...rest: unknown[]) => (request === "vscode" ? "vscode" : resolve(request, ...rest));
require.cache.vscode = {
  id: "vscode",
  filename: "vscode",
  loaded: true,
  exports: stub("vscode", { version: VSCODE_VERSION }),
} as NodeJS.Module;
