import { ErrorCode } from "../platform";
import { PSPError } from "./psp-error";

/**
 * `text` is emitted verbatim, `code` runs as statements, `escaped` (`<%=`) and `raw` (`<%~`)
 * are expressions, `include` carries the path of `<%@ include file="..." %>`.
 */
export type SegmentKind = "text" | "code" | "escaped" | "raw" | "include";

export interface Segment {
  kind: SegmentKind;
  value: string;
  /** 1-based position of `value` in its file (of the tag, for includes). */
  line: number;
  column: number;
}

/** A template file as read: its absolute path (or `<string>`) and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

const INCLUDE_DIRECTIVE = /^\s*include\s+file\s*=\s*(?:"([^"]*)"|'([^']*)')\s*$/;

/** Words after which a `/` starts a regular expression rather than a division. */
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else",
  "yield", "await",
]);

/**
 * Splits one PSP file into segments. Includes are left as segments for the loader, comments
 * are dropped. Code is scanned like JavaScript (strings, template literals, comments, regular
 * expressions), so a `%>` inside a string literal does not end the tag.
 */
export function parsePsp(file: SourceFile): Segment[] {
  const src = file.text;
  const position = positionFinder(src);
  const fail: (message: string, index: number) => never = (message, index) => {
    const { line, column } = position(index);
    throw new PSPError(ErrorCode.PSP_SYNTAX, message, { file: file.path, line, column, source: src });
  };
  const segments: Segment[] = [];
  const push = (kind: SegmentKind, value: string, index: number): void => {
    segments.push({ kind, value, ...position(index) });
  };

  let cursor = 0;
  for (;;) {
    const open = src.indexOf("<%", cursor);
    if (open === -1) break;
    if (open > cursor) push("text", src.slice(cursor, open), cursor);

    if (src.startsWith("<%--", open)) {
      const close = src.indexOf("--%>", open + 4);
      if (close === -1) fail("unclosed comment: <%-- has no matching --%>", open);
      cursor = close + 4;
      continue;
    }
    if (src.startsWith("<%@", open)) {
      const close = src.indexOf("%>", open + 3);
      if (close === -1) fail("unclosed directive: <%@ has no matching %>", open);
      const match = INCLUDE_DIRECTIVE.exec(src.slice(open + 3, close));
      const target = match?.[1] ?? match?.[2];
      if (!target) fail('unknown or malformed directive; expected <%@ include file="..." %>', open);
      push("include", target, open);
      cursor = close + 2;
      continue;
    }

    const marker = src[open + 2];
    const kind: SegmentKind = marker === "=" ? "escaped" : marker === "~" ? "raw" : "code";
    const start = open + (kind === "code" ? 2 : 3);
    const end = scanCode(src, start);
    if (end.index === -1) fail("unclosed tag: <% has no matching %>", open);
    // A `//` comment cut short by `%>` would swallow whatever the generator appends after it.
    const value = src.slice(start, end.index) + (end.inLineComment ? "\n" : "");
    if (kind !== "code" && value.trim() === "") fail("empty expression", open);
    push(kind, value, start);
    cursor = end.index + 2;
  }
  if (cursor < src.length) push("text", src.slice(cursor), cursor);
  return segments;
}

/** Maps a string index to a 1-based line and column. */
export function positionFinder(src: string): (index: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 10 || (c === 13 && src.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (index) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - starts[lo] + 1 };
  };
}

interface ScanEnd {
  /** Index of the closing `%>` (or of the `}` ending a `${}` substitution), -1 if none. */
  index: number;
  inLineComment: boolean;
}

/** Finds the `%>` that ends the code starting at `i`, or the `}` closing a `${` when `inSubstitution`. */
function scanCode(src: string, i: number, inSubstitution = false): ScanEnd {
  let depth = 0;
  let regexAllowed = true;
  while (i < src.length) {
    const c = src[i];
    if (c === "%" && src[i + 1] === ">" && !inSubstitution) return { index: i, inLineComment: false };
    if (c === '"' || c === "'") {
      i = skipQuoted(src, i);
      regexAllowed = false;
    } else if (c === "`") {
      i = skipTemplateLiteral(src, i);
      if (i === -1) return { index: -1, inLineComment: false };
      regexAllowed = false;
    } else if (c === "/" && src[i + 1] === "/") {
      const close = lineCommentEnd(src, i);
      if (src.startsWith("%>", close) && !inSubstitution) return { index: close, inLineComment: true };
      i = close;
    } else if (c === "/" && src[i + 1] === "*") {
      const close = src.indexOf("*/", i + 2);
      if (close === -1) return { index: -1, inLineComment: false };
      i = close + 2;
    } else if (c === "/" && regexAllowed) {
      i = skipRegex(src, i);
      regexAllowed = false;
    } else if (/[A-Za-z0-9_$]/.test(c)) {
      const word = /^[A-Za-z0-9_$]+/.exec(src.slice(i, i + 64))?.[0] ?? c;
      regexAllowed = KEYWORDS_BEFORE_EXPRESSION.has(word);
      i += word.length;
    } else {
      if (c === "{") depth++;
      if (c === "}") {
        if (inSubstitution && depth === 0) return { index: i, inLineComment: false };
        depth--;
      }
      if (!/\s/.test(c)) regexAllowed = c !== ")" && c !== "]" && c !== "}";
      i++;
    }
  }
  return { index: -1, inLineComment: false };
}

/** Past the closing quote; an unescaped line break ends the (invalid) string for JS to report. */
function skipQuoted(src: string, i: number): number {
  const quote = src[i++];
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") i += 2;
    else if (c === quote) return i + 1;
    else if (c === "\n" || c === "\r") return i;
    else i++;
  }
  return i;
}

function skipTemplateLiteral(src: string, i: number): number {
  i++;
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") i += 2;
    else if (c === "`") return i + 1;
    else if (c === "$" && src[i + 1] === "{") {
      const end = scanCode(src, i + 2, true);
      if (end.index === -1) return -1;
      i = end.index + 1;
    } else i++;
  }
  return -1;
}

function skipRegex(src: string, i: number): number {
  let inClass = false;
  i++;
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") i += 2;
    else if (c === "\n" || c === "\r") return i;
    else {
      if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) return i + 1;
      i++;
    }
  }
  return i;
}

/** A `//` comment ends at the line end or, as in JSP, at the `%>` closing a one-line tag. */
function lineCommentEnd(src: string, i: number): number {
  const candidates = [src.indexOf("\n", i), src.indexOf("\r", i), src.indexOf("%>", i)].filter((n) => n !== -1);
  return candidates.length ? Math.min(...candidates) : src.length;
}
