import * as path from "node:path";
import type * as MimeTypes from "mime-types";
import { DECLINED, OK } from "../constants";
import { directive, extensionArg, mergeMaps } from "../config";
import { lazyModule } from "../lazy-module";
import { HOOK_LAST, defineModule, type Plan } from "../module";
import { DEFAULT_HANDLER } from "../phases";

/** By extension (lower-case, with the dot). */
export const AddType = directive<Map<string, string>>({
  name: "AddType",
  context: "both",
  args: [2, Infinity],
  parse([type, ...exts]) {
    if (!/^[\w.+-]+\/[\w.+-]+/.test(type)) throw new Error(`AddType: '${type}' is not a media type`);
    return new Map(exts.map((e) => [extensionArg(e), type]));
  },
  combine: mergeMaps,
  merge: mergeMaps,
});

/** "" is `DefaultType None`. */
export const DefaultType = directive<string>({ name: "DefaultType", context: "both", args: 1, parse: ([type]) => (type.toLowerCase() === "none" ? "" : type) });

interface MimeConfig {
  readonly addTypes: ReadonlyMap<string, string>;
  readonly defaultType: string | undefined;
}

const mimeTypes = lazyModule<typeof MimeTypes>("mime-types");

/**
 * Apache's mod_mime, reduced: `AddType` by the file's last extension, then the mime database,
 * then `DefaultType`. Text types get `charset=utf-8`.
 */
export function contentTypeFor(config: MimeConfig, filename: string): string | null {
  const ext = path.extname(filename).toLowerCase();
  if (ext) {
    const configured = config.addTypes.get(ext);
    if (configured) return configured;
    const known = mimeTypes().contentType(ext);
    if (known) return known;
  }
  return config.defaultType || null;
}

/**
 * mod_mime's type checker, last in the type phase: a file gets its media type unless a module's
 * content handler takes the URL (it names code, not a document, and the type is the handler's).
 */
export const mimeModule = defineModule<MimeConfig>({
  name: "mime",
  directives: [AddType, DefaultType],
  dirConfig: (values) => ({ addTypes: values.get(AddType) ?? new Map(), defaultType: values.get(DefaultType) }),
  hooks: {
    type: {
      order: HOOK_LAST,
      run(req, config) {
        if (req.contentType !== null || !req.filename) return DECLINED;
        const handler = req.handler ? (req._state.plan as Plan).modules.handler(req.handler) : undefined;
        if (handler && req.handler!.toLowerCase() !== DEFAULT_HANDLER) return DECLINED;
        req.contentType = contentTypeFor(config, req.filename);
        return OK;
      },
    },
  },
});
