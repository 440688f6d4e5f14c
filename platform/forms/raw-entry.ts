import { CHARSET_FIELD, charsetName, decodeText } from "./charset";
import type { FormEntry } from "./field-storage";
import { FileField } from "./file-field";

/**
 * A field as read off the wire, before the form's charset is known. Bytes still need
 * decoding; a string was already decoded with a charset the part declared itself.
 */
export type RawEntry =
  | { readonly kind: "text"; readonly name: Buffer; readonly value: Buffer | string }
  | {
      readonly kind: "file";
      readonly name: Buffer;
      readonly filename: Buffer | string | undefined;
      readonly type: string;
      readonly size: number;
      readonly path: string;
    };

type RawText = Extract<RawEntry, { kind: "text" }>;

/** The charset a `_charset_` field names, when there is one that Node can decode. */
export function charsetFieldValue(entries: readonly RawEntry[]): string | undefined {
  const field = entries.find((e): e is RawText => e.kind === "text" && e.name.equals(CHARSET_NAME));
  if (!field) return undefined;
  return charsetName(typeof field.value === "string" ? field.value : field.value.toString("latin1"));
}

/**
 * Decodes names, values and file names with `charset`. Text fields with an empty value are
 * dropped unless `keepBlank`, as mod_python's `keep_blank_values` does.
 */
export function decodeEntries(entries: readonly RawEntry[], charset: string, keepBlank: boolean): FormEntry[] {
  const text = (v: Buffer | string): string => (typeof v === "string" ? v : decodeText(v, charset));
  const out: FormEntry[] = [];
  for (const e of entries) {
    if (e.kind === "file") {
      const filename = e.filename === undefined ? undefined : text(e.filename);
      out.push(new FileField({ name: text(e.name), filename, type: e.type, size: e.size, path: e.path }));
    } else if (keepBlank || e.value.length > 0) {
      out.push({ name: text(e.name), value: text(e.value) });
    }
  }
  return out;
}

const CHARSET_NAME = Buffer.from(CHARSET_FIELD);
