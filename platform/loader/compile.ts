import * as path from "node:path";
import type * as TS from "typescript";
import { ErrorCode, TsmodError } from "../errors";

let ts: typeof TS | undefined;

/**
 * The TypeScript compiler, loaded on first use: it costs ~0.2 s and ~50 MB, which a server
 * that never compiles or parses anything should not pay at start.
 */
export function typescript(): typeof TS {
  ts ??= require("typescript") as typeof TS;
  return ts;
}

/**
 * Turns a handler module's source into CommonJS with an inline source map, so stack traces
 * point at the `.ts` lines. Only syntax is checked: type errors are the editor's business,
 * and a per-file transpile keeps a reload cheap.
 */
export function compileModule(filename: string, source: string): string {
  if (path.extname(filename) === ".cjs") return source;
  const t = typescript();
  // TypeScript always emits ES modules for .mts/.mjs names; tsmod evaluates CommonJS, so the
  // compiler is given the CommonJS-flavoured name and the source map is pointed back.
  const esmName = /\.m[jt]s$/.test(filename);
  const compileName = esmName ? filename.replace(/\.m([jt])s$/, ".$1s") : filename;
  const out = t.transpileModule(source, {
    fileName: compileName,
    reportDiagnostics: true,
    compilerOptions: {
      module: t.ModuleKind.CommonJS,
      target: t.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
      inlineSources: true,
      allowJs: true,
    },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === t.DiagnosticCategory.Error);
  if (errors.length) {
    const messages = errors.map((d) => {
      const text = t.flattenDiagnosticMessageText(d.messageText, "\n");
      if (!d.file || d.start === undefined) return `${filename}: ${text}`;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${filename}:${line + 1}:${character + 1}: ${text}`;
    });
    throw new TsmodError(ErrorCode.MODULE_COMPILE, messages.join("\n"));
  }
  return esmName ? renameMapSource(out.outputText, path.basename(compileName), path.basename(filename)) : out.outputText;
}

const MAP_PREFIX = "//# sourceMappingURL=data:application/json;base64,";

function renameMapSource(js: string, from: string, to: string): string {
  const at = js.lastIndexOf(MAP_PREFIX);
  if (at < 0) return js;
  const map = JSON.parse(Buffer.from(js.slice(at + MAP_PREFIX.length).trim(), "base64").toString("utf8")) as { sources: string[]; file?: string };
  map.sources = map.sources.map((s) => (s === from ? to : s));
  return js.slice(0, at) + MAP_PREFIX + Buffer.from(JSON.stringify(map)).toString("base64") + "\n";
}
