// @ts-check
/*
 * The compiler thread (see compiler-thread.ts for why it exists). Plain JavaScript because it
 * is started by path both from the built package and from the sources under test.
 *
 * Protocol: each request { filename, source } is answered on the same port with { js } or
 * { errors }, then signal[0] is set to 1 and notified so that the blocked caller wakes up.
 */
"use strict";
const path = require("node:path");
const { workerData } = require("node:worker_threads");

/** @type {{ port: import("node:worker_threads").MessagePort, signal: Int32Array }} */
const { port, signal } = workerData;

/** @type {typeof import("typescript") | undefined} */
let ts;
/** @type {string | undefined} */
let loadError;
try {
  ts = require("typescript");
} catch (e) {
  loadError = `cannot load the TypeScript compiler: ${e instanceof Error ? e.message : String(e)}`;
}

const MAP_PREFIX = "//# sourceMappingURL=data:application/json;base64,";

/**
 * @param {string} js
 * @param {string} from
 * @param {string} to
 */
function renameMapSource(js, from, to) {
  const at = js.lastIndexOf(MAP_PREFIX);
  if (at < 0) return js;
  const map = JSON.parse(Buffer.from(js.slice(at + MAP_PREFIX.length).trim(), "base64").toString("utf8"));
  map.sources = map.sources.map((/** @type {string} */ s) => (s === from ? to : s));
  return js.slice(0, at) + MAP_PREFIX + Buffer.from(JSON.stringify(map)).toString("base64") + "\n";
}

/**
 * @param {typeof import("typescript")} t
 * @param {string} filename
 * @param {string} source
 * @returns {{ js: string } | { errors: string[] }}
 */
function transpile(t, filename, source) {
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
    return {
      errors: errors.map((d) => {
        const text = t.flattenDiagnosticMessageText(d.messageText, "\n");
        if (!d.file || d.start === undefined) return `${filename}: ${text}`;
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        return `${filename}:${line + 1}:${character + 1}: ${text}`;
      }),
    };
  }
  return { js: esmName ? renameMapSource(out.outputText, path.basename(compileName), path.basename(filename)) : out.outputText };
}

/** @param {{ filename: string, source: string }} request */
function answer({ filename, source }) {
  if (!ts) return { errors: [`${filename}: ${loadError}`] };
  try {
    return transpile(ts, filename, source);
  } catch (e) {
    return { errors: [`${filename}: the compiler failed: ${e instanceof Error ? e.stack : String(e)}`] };
  }
}

// A fresh thread warms the compiler while the server has nothing for it to do.
if (ts) transpile(ts, "warm-up.ts", "export const warm: number = 1;");
port.on("message", (request) => {
  port.postMessage(answer(request));
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
