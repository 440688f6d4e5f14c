import { eta } from "./eta-engine";
import type { SourceFile } from "./parser";
import type { PlacedSegment } from "./template-loader";

/** Where one line of generated code came from. */
export interface LineOrigin {
  file: SourceFile;
  line: number;
  /** Add to a generated column on this line to get the template column. */
  columnDelta: number;
}

export interface GeneratedBody {
  code: string;
  /** `lines[i]` is the origin of line `i + 1` of `code`. */
  lines: LineOrigin[];
}

type EtaAstObject = Parameters<ReturnType<typeof eta>["compileBody"]>[0][number];

const ETA_TAG_TYPE = { code: "e", escaped: "i", raw: "r" } as const;

/**
 * Turns the spliced segments into the body of the page function with Eta's code generator,
 * recording for every generated line the template file and line it came from: Eta's output
 * does not keep template lines, and includes mix several files into one function.
 */
export function generateBody(segments: readonly PlacedSegment[]): GeneratedBody {
  let code = "";
  const lines: LineOrigin[] = [];
  for (const segment of segments) {
    const ast = toEtaAst(segment);
    const piece = eta().compileBody([ast]);
    const pieceLines = piece.split("\n").length - 1;
    const contentStart = typeof ast === "string" ? 0 : contentOffset(ast.t);
    for (let k = 0; k < pieceLines; k++) {
      lines.push({
        file: segment.file,
        line: segment.kind === "text" ? segment.line : segment.line + k,
        columnDelta: k === 0 ? segment.column - 1 - contentStart : 0,
      });
    }
    code += piece;
  }
  return { code, lines };
}

function toEtaAst(segment: PlacedSegment): EtaAstObject {
  if (segment.kind === "text") return quoteText(segment.value);
  if (segment.kind === "include") throw new Error("includes are expanded by the loader");
  // One line terminator in code keeps JS line numbers equal to the template's.
  return { t: ETA_TAG_TYPE[segment.kind], val: segment.value.replace(/\r\n?/g, "\n") };
}

/**
 * Eta expects text already escaped for a single-quoted literal. Its own parser folds `\r` into
 * `\n`; ours keeps every character, so the page is emitted exactly as written.
 */
function quoteText(text: string): string {
  return text.replace(/[\\'\r\n\u2028\u2029]/g, (c) => TEXT_ESCAPES[c]);
}

const TEXT_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  "\r": "\\r",
  "\n": "\\n",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

const contentOffsets = new Map<string, number>();

/** How far Eta's wrapper (`__eta.res+=__eta.e(`) shifts a tag's content on its first line. */
function contentOffset(type: string): number {
  let offset = contentOffsets.get(type);
  if (offset === undefined) {
    offset = eta().compileBody([{ t: type, val: "\u0000" }]).indexOf("\u0000");
    contentOffsets.set(type, offset);
  }
  return offset;
}
