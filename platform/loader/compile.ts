import * as path from "node:path";
import type * as TS from "typescript";
import { ErrorCode, TsmodError } from "../errors";

let ts: typeof TS | undefined;

/** The compiler costs ~0.2 s to load, so it is loaded on the first module that needs it. */
function compiler(): typeof TS {
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
  const t = compiler();
  const out = t.transpileModule(source, {
    fileName: filename,
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
  return out.outputText;
}
