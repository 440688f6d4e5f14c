import * as path from "node:path";
import type * as MimeTypes from "mime-types";
import { BoundedMap } from "../bounded-map";
import type { DirConfig } from "../config/model";
import { lazyModule } from "../lazy-module";

const mimeTypes = lazyModule<typeof MimeTypes>("mime-types");

/**
 * Apache's mod_mime, reduced: `AddType` by the file's last extension, then the mime database,
 * then `DefaultType`. Text types get `charset=utf-8`.
 */
export function defaultContentType(dir: DirConfig, filename: string): string | null {
  const ext = path.extname(filename).toLowerCase();
  if (ext) {
    const configured = dir.addTypes.get(ext);
    if (configured) return configured;
    const known = mimeTypes().contentType(ext);
    if (known) return known;
  }
  return dir.defaultType || null;
}

/**
 * The handler name for a file: `SetHandler` wins, else `AddHandler` for any of the file's
 * extensions (`a.psp.bak` has `.psp` and `.bak`; the last configured one wins, as mod_mime).
 */
export function handlerFor(dir: DirConfig, filename: string | null): string | null {
  if (dir.setHandler !== undefined) return dir.setHandler || null;
  if (!filename || dir.addHandlers.size === 0) return null;
  let known = handlersByFile.get(dir);
  if (!known) handlersByFile.set(dir, (known = new BoundedMap()));
  const hit = known.get(filename);
  if (hit !== undefined) return hit;
  const parts = path.basename(filename).toLowerCase().split(".").slice(1);
  let found: string | null = null;
  for (const p of parts) {
    const h = dir.addHandlers.get("." + p);
    if (h !== undefined) found = h || null;
  }
  known.set(filename, found);
  return found;
}

/** `handlerFor`'s answers per merged configuration (they never change) and file name. */
const handlersByFile = new WeakMap<DirConfig, BoundedMap<string, string | null>>();

/** mod_python's extension for `| .ext` lists: everything after the first dot of the name. */
export function handlerExtension(filename: string | null): string {
  if (!filename) return "";
  // The last name of the path, as path.basename finds it (trailing slashes ignored), without
  // the string it would make.
  let end = filename.length;
  while (end > 1 && filename.charCodeAt(end - 1) === 47) end--;
  const start = filename.lastIndexOf("/", end - 1) + 1;
  const dot = filename.indexOf(".", start);
  return dot <= start || dot >= end ? "" : filename.slice(dot, end).toLowerCase();
}
