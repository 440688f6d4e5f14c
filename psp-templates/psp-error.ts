import { ErrorCode, TsmodError, escapeHtml } from "../platform";

/** How many lines the debug snippet shows on each side of the failing line. */
const SNIPPET_RADIUS = 2;

/**
 * A template error tied to the `.psp` file (not the generated code) it was found in. The
 * message starts with `file:line:column:` so a log line alone is enough to find the spot.
 */
export class PSPError extends TsmodError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The text of `file`, kept so the TsDebug page can show the lines around the error. */
  readonly source: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    where: { file: string; line?: number; column?: number; source?: string },
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(code, `${formatLocation(where)}: ${message}`, options.status ?? 500);
    this.name = "PSPError";
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.source = where.source;
    if (options.cause !== undefined) this.cause = options.cause;
  }

  /** The surrounding source lines, HTML-escaped, with the failing line marked (for TsDebug). */
  htmlSnippet(): string {
    return debugSnippet(this.source, this.line);
  }
}

function formatLocation(where: { file: string; line?: number; column?: number }): string {
  if (where.line === undefined) return where.file;
  return where.column === undefined ? `${where.file}:${where.line}` : `${where.file}:${where.line}:${where.column}`;
}

/** `<pre>` with up to five numbered lines around `line`, the line itself marked with `>>`. */
export function debugSnippet(source: string | undefined, line: number | undefined): string {
  if (source === undefined || line === undefined) return "";
  const lines = source.split(/\r\n|\r|\n/);
  const first = Math.max(1, line - SNIPPET_RADIUS);
  const last = Math.min(lines.length, line + SNIPPET_RADIUS);
  const width = String(last).length;
  const rows: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === line ? "&gt;&gt;" : "  ";
    const row = `${marker} ${String(n).padStart(width)} | ${escapeHtml(lines[n - 1])}`;
    rows.push(n === line ? `<strong>${row}</strong>` : row);
  }
  return `<pre class="psp-source">${rows.join("\n")}</pre>`;
}
