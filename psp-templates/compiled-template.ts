import * as vm from "node:vm";
import { ErrorCode, typescript, type MaybePromise } from "../platform";
import { type GeneratedBody, generateBody } from "./code-generator";
import type { EtaOutput } from "./eta-engine";
import { codeFacts } from "./code-facts";
import type { SourceFile } from "./parser";
import { PSPError } from "./psp-error";
import type { FileStamp, LoadedTemplate } from "./template-loader";

/** The names every page has in scope, whatever vars it is given. */
export const BUILTIN_NAMES: readonly string[] = ["req", "psp", "form", "session"];

/**
 * A page compiled for one set of var names: fills `out.res` and returns when the page is done,
 * or a promise if the page awaits. Builtins come first, then the vars object.
 */
export type PageFunction = (
  out: EtaOutput,
  req: unknown,
  psp: unknown,
  form: unknown,
  session: unknown,
  vars: Record<string, unknown>,
) => MaybePromise<void>;

/** Different var-name sets per page are rare; the bound only guards against callers that vary them. */
const MAX_FUNCTIONS_PER_TEMPLATE = 16;

/** Line 1 of the script is the function header; the page body starts on line 2. */
const BODY_FIRST_SCRIPT_LINE = 2;

let scriptCounter = 0;

export interface TemplateLocation {
  file: string;
  line?: number;
  column?: number;
  source?: string;
}

/**
 * One loaded page and its compiled functions. Builtins are parameters; vars become plain names
 * through a generated `let {a, b} = __psp_vars` (no `with`, so the page runs in strict mode);
 * since the var names are only known at render time there is one function per distinct set.
 */
export class CompiledTemplate {
  readonly label: string;
  readonly files: ReadonlyMap<string, SourceFile>;
  readonly stamps: readonly FileStamp[];
  readonly body: GeneratedBody;
  /** The builtins the page refers to by name; the others are never created for it. */
  readonly uses: ReadonlySet<string>;
  /** Whether the page awaits, and so runs as an async function. */
  readonly isAsync: boolean;
  /** When the files were last compared against `stamps` (ms). */
  checkedAt: number;
  /** Unique per compilation, so stack frames of this page can be told from any other page's. */
  private readonly scriptName: string;
  /** The function for pages given no vars, the usual case (the built-in handler's). */
  private readonly withoutVars: PageFunction;
  private readonly functions = new Map<string, PageFunction>();

  constructor(loaded: LoadedTemplate, now: number) {
    this.label = loaded.label;
    this.files = loaded.files;
    this.stamps = loaded.stamps;
    this.body = generateBody(loaded.segments);
    const facts = codeFacts(this.body.code, BUILTIN_NAMES);
    this.uses = facts.names;
    this.isAsync = facts.awaits;
    this.checkedAt = now;
    this.scriptName = `${loaded.label} [psp#${++scriptCounter}]`;
    // Compiling up front also reports syntax errors whatever vars the first render passes.
    this.withoutVars = this.compile(this.script());
  }

  /** `varNames`: bindable, sorted, none of them a builtin. */
  functionFor(varNames: readonly string[]): PageFunction {
    if (varNames.length === 0) return this.withoutVars;
    const key = varNames.join(",");
    let fn = this.functions.get(key);
    if (!fn) {
      fn = this.compile(this.script(varNames));
      if (this.functions.size >= MAX_FUNCTIONS_PER_TEMPLATE) this.functions.delete(this.functions.keys().next().value as string);
      this.functions.set(key, fn);
    }
    return fn;
  }

  /** The complete generated source of the page function (also shown by the source view). */
  script(varNames: readonly string[] = []): string {
    const header = `(${this.isAsync ? "async " : ""}function (__eta, ${BUILTIN_NAMES.join(", ")}, __psp_vars) {"use strict";`;
    const bindVars = varNames.length > 0 ? ` let {${varNames.join(", ")}} = __psp_vars;` : "";
    return `${header}${bindVars} {\n${this.body.code}\n}})`;
  }

  /** Turns an error thrown by this page's code into a PSPError at the template file and line. */
  runtimeError(err: unknown): PSPError {
    const stack = (err as { stack?: unknown } | null)?.stack;
    const frame = typeof stack === "string" ? this.frameIn(stack) : undefined;
    const where = frame ? this.locate(frame.line, frame.column) : { file: this.label };
    return new PSPError(ErrorCode.PSP_RUNTIME, describe(err), where, { cause: err });
  }

  private compile(script: string): PageFunction {
    try {
      return new vm.Script(script, { filename: this.scriptName }).runInThisContext() as PageFunction;
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name !== "SyntaxError") throw err;
      const hint = isTypeScript(script) ? `; ${TYPESCRIPT_HINT}` : "";
      throw new PSPError(ErrorCode.PSP_SYNTAX, describe(err) + hint, this.syntaxErrorLocation(err as Error), { cause: err });
    }
  }

  /**
   * V8 gives a SyntaxError's position only in the decorated stack Node builds for vm scripts:
   * `name:LINE`, the source line, then a caret under the column.
   */
  private syntaxErrorLocation(err: Error): TemplateLocation {
    const lines = (err.stack ?? "").split("\n");
    if (!lines[0]?.startsWith(`${this.scriptName}:`)) return { file: this.label };
    const line = Number(lines[0].slice(this.scriptName.length + 1));
    const caret = lines[2]?.indexOf("^") ?? -1;
    return this.locate(line, caret >= 0 ? caret + 1 : undefined);
  }

  /** The first (innermost) stack frame that runs this page's code. */
  private frameIn(stack: string): { line: number; column: number } | undefined {
    const at = stack.indexOf(`${this.scriptName}:`);
    if (at === -1) return undefined;
    const match = /^(\d+):(\d+)/.exec(stack.slice(at + this.scriptName.length + 1));
    return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
  }

  private locate(scriptLine: number, scriptColumn: number | undefined): TemplateLocation {
    const lines = this.body.lines;
    if (lines.length === 0) return { file: this.label };
    const index = Math.min(Math.max(scriptLine - BODY_FIRST_SCRIPT_LINE, 0), lines.length - 1);
    const origin = lines[index];
    const inBody = index === scriptLine - BODY_FIRST_SCRIPT_LINE;
    return {
      file: origin.file.path,
      line: origin.line,
      column: inBody && scriptColumn !== undefined ? scriptColumn + origin.columnDelta : undefined,
      source: origin.file.text,
    };
  }
}

const TYPESCRIPT_HINT =
  "PSP code is JavaScript, and this is TypeScript: leave out the types, or put typed code in a module and pass its results to the page as vars";

/**
 * Whether a page that V8 rejects is valid TypeScript (a type annotation, `as`, an interface):
 * the likeliest slip of a TypeScript author, and one the error should name. Run only for a
 * page that failed to compile.
 */
function isTypeScript(script: string): boolean {
  const ts = typescript();
  const out = ts.transpileModule(script, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  return (out.diagnostics ?? []).length === 0;
}

function describe(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown } | null;
  return typeof e?.message === "string" ? `${String(e.name ?? "Error")}: ${e.message}` : String(err);
}
