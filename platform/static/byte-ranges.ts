/** One satisfiable byte range, inclusive at both ends (as in Content-Range). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Apache's `MaxRanges` default: a header asking for more is ignored (the whole file is sent). */
const MAX_RANGES = 200;

/**
 * Parses a `Range` header for a representation of `size` bytes (RFC 9110 §14.1.2):
 * the ranges to send (overlapping and adjacent ones coalesced, in ascending order),
 * "unsatisfiable" (→ 416), or null when the header is to be ignored (malformed, another
 * unit, or too many ranges), which means a plain 200.
 */
export function parseRange(header: string, size: number): ByteRange[] | "unsatisfiable" | null {
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return null;
  const specs = m[1].split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (specs.length === 0 || specs.length > MAX_RANGES) return null;
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const r = /^(\d*)-(\d*)$/.exec(spec);
    if (!r || (r[1] === "" && r[2] === "")) return null;
    if (r[1] === "") {
      const suffix = Number(r[2]);
      if (suffix > 0 && size > 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(r[1]);
    const end = r[2] === "" ? Infinity : Number(r[2]);
    if (end < start) return null;
    if (start < size) ranges.push({ start, end: Math.min(end, size - 1) });
  }
  if (ranges.length === 0) return "unsatisfiable";
  return coalesce(ranges);
}

function coalesce(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: ByteRange[] = [{ ...sorted[0] }];
  for (const r of sorted.slice(1)) {
    const last = out[out.length - 1];
    if (r.start <= last.end + 1) out[out.length - 1] = { start: last.start, end: Math.max(last.end, r.end) };
    else out.push(r);
  }
  return out;
}
