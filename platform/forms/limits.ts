import { ErrorCode, TsmodError } from "../errors";

/**
 * Bounds enforced while a form is streamed in. Every limit is checked as the bytes arrive,
 * so nothing past a limit is ever buffered or written to disk.
 */
export interface FormLimits {
  /** Most non-file fields (query string and body together). */
  maxFields: number;
  /** Most bytes in one non-file field's name or value, after percent-decoding. */
  maxFieldSize: number;
  /** Most bytes in one uploaded file. */
  maxFileSize: number;
  /** Most uploaded files. */
  maxFiles: number;
  /** Most bytes of request body, however it is encoded. */
  maxBodySize: number;
}

/**
 * Text fields live in memory, so `maxFields × maxFieldSize` (64 MiB here) bounds what a form
 * can hold in RAM; uploads go to disk and are bounded by the body size, which matches Apache's
 * `LimitRequestBody` default since 2.4.54 (1 GiB).
 */
export const DEFAULT_FORM_LIMITS: Readonly<FormLimits> = Object.freeze({
  maxFields: 1000,
  maxFieldSize: 64 * 1024,
  maxFileSize: 1024 * 1024 * 1024,
  maxFiles: 100,
  maxBodySize: 1024 * 1024 * 1024,
});

/**
 * A form broke one of its limits. Every limit, counts included, answers 413: the request is
 * well-formed, only bigger than this server accepts.
 */
export class FormLimitError extends TsmodError {
  readonly limit: keyof FormLimits;
  readonly max: number;

  constructor(limit: keyof FormLimits, max: number, what: string) {
    super(ErrorCode.FORM_TOO_LARGE, `${what} exceeds ${limit} (${max})`, 413);
    this.name = "FormLimitError";
    this.limit = limit;
    this.max = max;
  }
}
