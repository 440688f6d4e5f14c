import { createReadStream, type ReadStream } from "node:fs";
import { readFile } from "node:fs/promises";

import { decodeText } from "./charset";

/**
 * One uploaded file. Its content stays in a temporary file (`path`) that the owning
 * `FieldStorage` removes on `dispose()`; read it with `stream()` or `text()`, never implicitly.
 */
export class FileField {
  /** The form field name. */
  readonly name: string;
  /** The client's file name without any directory part; `undefined` when the part had none. */
  readonly filename: string | undefined;
  /** The part's media type without parameters, e.g. `image/png`. */
  readonly type: string;
  /** Size in bytes. */
  readonly size: number;
  /** The temporary file holding the content (mode 0600). */
  readonly path: string;

  constructor(init: { name: string; filename: string | undefined; type: string; size: number; path: string }) {
    this.name = init.name;
    this.filename = init.filename;
    this.type = init.type;
    this.size = init.size;
    this.path = init.path;
  }

  /** A fresh stream over the content; call it as often as needed. */
  stream(): ReadStream {
    return createReadStream(this.path);
  }

  /** The whole content as text in `charset` (any label TextDecoder knows). */
  async text(charset = "utf-8"): Promise<string> {
    return decodeText(await readFile(this.path), charset);
  }
}
