import { ErrorCode, TsmodError } from "../errors";

export interface ParsedUri {
  /** Decoded, normalised path: no `.`/`..` segments, no duplicate slashes. */
  readonly uri: string;
  readonly args: string | null;
}

/**
 * Splits a request target into path and query, decodes the path once and removes dot
 * segments, as Apache does before any mapping. Encoded slashes, NUL bytes, malformed escapes
 * and paths climbing above the root are refused with 400/404 (Apache's defaults), so no later
 * step ever sees them.
 */
/** `/a/b.c?x`: no `%`, no `\`, no `#`, no empty, `.` or `..` segment in the path. */
const PLAIN_PATH = /^(?:\/(?!\.\.?(?:[/?]|$))[^/?%\\#\0]+)*\/?(?:\?[^#]*)?$/;

export function parseRequestUri(target: string): ParsedUri {
  // The common case, a plain path without escapes or dot segments, needs no rewriting.
  if (PLAIN_PATH.test(target)) {
    const q = target.indexOf("?");
    return q < 0 ? { uri: target, args: null } : { uri: target.slice(0, q), args: target.slice(q + 1) };
  }
  let t = target;
  if (/^https?:\/\//i.test(t)) {
    const slash = t.indexOf("/", t.indexOf("//") + 2);
    t = slash < 0 ? "/" : t.slice(slash);
  }
  if (t === "*") return { uri: "*", args: null };
  const hash = t.indexOf("#");
  if (hash >= 0) t = t.slice(0, hash);
  const q = t.indexOf("?");
  const rawPath = q < 0 ? t : t.slice(0, q);
  const args = q < 0 ? null : t.slice(q + 1);
  if (!rawPath.startsWith("/")) throw new TsmodError(ErrorCode.BAD_REQUEST_URI, `request path must start with '/': ${rawPath.slice(0, 100)}`, 400);
  if (/%2f/i.test(rawPath)) throw new TsmodError(ErrorCode.BAD_REQUEST_URI, "encoded slash (%2F) in the request path", 404);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw new TsmodError(ErrorCode.BAD_REQUEST_URI, "malformed percent-escape in the request path", 400);
  }
  if (decoded.includes("\0")) throw new TsmodError(ErrorCode.BAD_REQUEST_URI, "NUL byte in the request path", 400);
  if (decoded.includes("\\")) throw new TsmodError(ErrorCode.BAD_REQUEST_URI, "backslash in the request path", 400);
  return { uri: removeDotSegments(decoded), args };
}

function removeDotSegments(p: string): string {
  const out: string[] = [];
  const segments = p.split("/");
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i];
    if (s === "." || (s === "" && i < segments.length - 1)) continue;
    if (s === "..") {
      if (out.length === 0) throw new TsmodError(ErrorCode.BAD_REQUEST_URI, "request path climbs above the root", 400);
      out.pop();
      continue;
    }
    out.push(s);
  }
  const last = segments[segments.length - 1];
  const trailing = (last === "." || last === "..") && out[out.length - 1] !== "";
  return "/" + out.join("/") + (trailing ? "/" : "");
}
