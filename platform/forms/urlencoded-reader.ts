import { describeName } from "./form-errors";
import { type FormLimits, FormLimitError } from "./limits";
import type { RawEntry } from "./raw-entry";
import { UrlencodedDecoder } from "./urlencoded-decoder";

/** Collects urlencoded fields (a query string or a body) within a form's limits. */
export class UrlencodedReader {
  readonly entries: RawEntry[] = [];
  private readonly decoder: UrlencodedDecoder;

  /** @param fieldsBefore fields the form already holds; they count towards `maxFields`. */
  constructor(limits: FormLimits, fieldsBefore: number) {
    this.decoder = new UrlencodedDecoder(
      (name, value) => {
        if (fieldsBefore + this.entries.length >= limits.maxFields) {
          throw new FormLimitError("maxFields", limits.maxFields, "the number of fields");
        }
        this.entries.push({ kind: "text", name, value });
      },
      {
        max: limits.maxFieldSize,
        exceeded(name) {
          throw new FormLimitError("maxFieldSize", limits.maxFieldSize, `field ${describeName(name)}`);
        },
      },
    );
  }

  write(chunk: Uint8Array): void {
    this.decoder.write(chunk);
  }

  /** Finishes the last pair and returns every field. */
  end(): RawEntry[] {
    this.decoder.end();
    return this.entries;
  }
}
