import { promises as fs } from "node:fs";
import * as path from "node:path";
import { ErrorCode } from "../platform";
import { resolvePagePath } from "./page-paths";
import { type Segment, type SourceFile, parsePsp } from "./parser";
import { PSPError } from "./psp-error";

/** Where a template comes from: a file, or a string whose includes resolve against `baseDir`. */
export type TemplateSource = { filename: string } | { string: string; baseDir: string };

/** The label a string template is reported under, in errors and stack traces. */
export const STRING_TEMPLATE_LABEL = "<string>";

/** What a file looked like when it was read; a different stamp later means it changed. */
export interface FileStamp {
  path: string;
  mtimeMs: number;
  size: number;
}

export interface PlacedSegment extends Segment {
  file: SourceFile;
}

/** A page with its includes spliced in, and every file it was built from. */
export interface LoadedTemplate {
  label: string;
  segments: PlacedSegment[];
  /** Every file read (page and includes), by path, for error snippets and the source view. */
  files: Map<string, SourceFile>;
  stamps: FileStamp[];
}

/**
 * Reads a page and expands `<%@ include %>` at parse time (textual inclusion, so an include
 * shares the page's scope). Include paths are relative to the including file; cycles and paths
 * outside `root` are refused with the file and line of the offending directive.
 */
export async function loadTemplate(source: TemplateSource, root: string): Promise<LoadedTemplate> {
  const loaded: LoadedTemplate = { label: STRING_TEMPLATE_LABEL, segments: [], files: new Map(), stamps: [] };

  const read = async (file: string): Promise<SourceFile> => {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw Object.assign(new Error(`${file} is not a file`), { code: "ENOENT" });
    const text = (await fs.readFile(file, "utf8")).replace(/^\uFEFF/, "");
    loaded.stamps.push({ path: file, mtimeMs: stat.mtimeMs, size: stat.size });
    return { path: file, text };
  };

  const expand = async (file: SourceFile, dir: string, chain: string[]): Promise<void> => {
    loaded.files.set(file.path, file);
    for (const segment of parsePsp(file)) {
      if (segment.kind !== "include") {
        loaded.segments.push({ ...segment, file });
        continue;
      }
      const where = { file: file.path, line: segment.line, column: segment.column, source: file.text };
      const target = resolvePagePath(root, dir, segment.value);
      if (target === undefined) {
        throw new PSPError(ErrorCode.PSP_INCLUDE, `include "${segment.value}" is outside the page root ${root}`, where);
      }
      if (chain.includes(target)) {
        throw new PSPError(ErrorCode.PSP_INCLUDE, `include cycle: ${[...chain, target].join(" -> ")}`, where);
      }
      let included: SourceFile;
      try {
        included = await read(target);
      } catch (err) {
        throw new PSPError(ErrorCode.PSP_INCLUDE, `cannot include "${segment.value}": ${messageOf(err)}`, where, {
          cause: err,
        });
      }
      await expand(included, path.dirname(target), [...chain, target]);
    }
  };

  if ("filename" in source) {
    let page: SourceFile;
    try {
      page = await read(source.filename);
    } catch (err) {
      if (!isMissing(err)) throw err;
      throw new PSPError(ErrorCode.PSP_NOT_FOUND, "page not found", { file: source.filename }, { status: 404, cause: err });
    }
    loaded.label = page.path;
    await expand(page, path.dirname(page.path), [page.path]);
  } else {
    await expand({ path: STRING_TEMPLATE_LABEL, text: source.string }, source.baseDir, []);
  }
  return loaded;
}

/** True when any file the template was built from has changed or disappeared since. */
export async function isStale(stamps: readonly FileStamp[]): Promise<boolean> {
  const checks = stamps.map(async (stamp) => {
    try {
      const stat = await fs.stat(stamp.path);
      return stat.mtimeMs !== stamp.mtimeMs || stat.size !== stamp.size;
    } catch {
      return true;
    }
  });
  return (await Promise.all(checks)).some(Boolean);
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
