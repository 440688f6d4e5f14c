import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import { ErrorCode, TsmodError } from "../errors";
import { compileModule, MODULE_EXTENSIONS, resolveModuleFile } from "../loader";
import { isModule, type BuiltinTable, type TsmodModule } from "./define-module";

/**
 * `LoadModule NAME TARGET`: TARGET is a path (absolute, or relative to ServerRoot) or a package
 * name found through ServerRoot's `node_modules` (and the folders above it, as Node looks).
 * The module is its default export, or the export named `module`; its name must be NAME.
 */
export function loadModuleFrom(name: string, target: string, serverRoot: string, builtins: BuiltinTable): TsmodModule<unknown> {
  const file = resolveTarget(target, serverRoot);
  const exports = evaluate(file, builtins) as { default?: unknown; module?: unknown } | undefined;
  const found = [exports?.default, exports?.module, exports].find(isModule);
  if (!found) throw new Error(`${target} (${file}) exports no module made with defineModule (as its default export or 'module')`);
  if (found.name.toLowerCase() !== name.toLowerCase()) throw new Error(`${target} is the module '${found.name}', not '${name}'`);
  return found;
}

function resolveTarget(target: string, serverRoot: string): string {
  const isPath = path.isAbsolute(target) || target.startsWith("./") || target.startsWith("../");
  if (isPath) {
    const file = resolveModuleFile(path.resolve(serverRoot, target));
    if (!file) throw new TsmodError(ErrorCode.CONFIG_MODULE_NOT_FOUND, `no module file '${target}' (looked for ${path.resolve(serverRoot, target)} with ${MODULE_EXTENSIONS.join(", ")})`);
    return file;
  }
  try {
    return require.resolve(target, { paths: [serverRoot] });
  } catch {
    throw new TsmodError(ErrorCode.CONFIG_MODULE_NOT_FOUND, `package '${target}' not found in ${path.join(serverRoot, "node_modules")} (or the folders above it); install it there, or give a path`);
  }
}

/**
 * Evaluates the module's entry file once, TypeScript compiled the way handler modules are, with
 * Node's resolution for its imports except `tsmod` (and `tsmod-server`), which is the running
 * server's own copy, as for handler modules. Modules are part of the server, not of the site:
 * the reloader does not watch them (a SIGHUP loads them again).
 */
function evaluate(file: string, builtins: BuiltinTable): unknown {
  if (!/\.([mc]?ts|c?js)$/.test(file)) throw new Error(`${file}: a module is a .ts or CommonJS .js file`);
  const source = fs.readFileSync(file, "utf8");
  const m = new Module(file, module);
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const plainRequire = m.require.bind(m);
  m.require = Object.assign((id: string) => (id === "tsmod" || id === "tsmod-server" ? builtins.get("tsmod") : plainRequire(id)), plainRequire);
  const code = /\.[mc]?ts$/.test(file) ? compileModule(file, source) : source;
  (m as unknown as { _compile(code: string, file: string): void })._compile(code, file);
  return m.exports;
}
