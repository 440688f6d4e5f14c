import { APLOG_DEBUG, APLOG_ERR, APLOG_INFO } from "../constants";
import { ErrorCode, TsmodError } from "../errors";
import { errorText } from "../log";
import type { Request } from "../request";
import { FilterStage, type FilterFunction, type FilterTarget } from "./filter";
import { Pipe } from "./pipe";

/** A filter picked for a request, loaded when its chain starts. */
export interface FilterSpec {
  readonly name: string;
  /** `module::function` as configured, for the error log. */
  readonly handler: string;
  /** Loads the filter function; throws when the name or module cannot be resolved. */
  resolve(): FilterFunction;
}

/**
 * Errors that come from the client side of the stream, not from a filter: they travel through
 * the chain unchanged and are not a filter's fault.
 */
const PASSED_THROUGH = new Set<string>([ErrorCode.CLIENT_GONE, ErrorCode.BODY_ABORTED, ErrorCode.BODY_TIMEOUT, ErrorCode.BODY_TOO_LARGE]);

/**
 * Filters in order, each running concurrently with the others and connected by bounded pipes,
 * so a slow consumer holds back every filter and the writer (backpressure end to end). The
 * first failure is logged with the filter's name and fails every pipe, so nothing waits on a
 * broken chain.
 */
export class FilterChain {
  private readonly pipes: Pipe[];
  private readonly stages: FilterStage[];
  private readonly done: Promise<unknown>;
  private failure: Error | null = null;
  private signalStop!: () => void;
  private readonly stopped = new Promise<void>((resolve) => (this.signalStop = resolve));

  constructor(
    specs: readonly FilterSpec[],
    private readonly req: Request,
    readonly isInput: boolean,
    sink: FilterTarget,
    private readonly onFailure: (error: Error) => void,
  ) {
    this.pipes = specs.map(() => new Pipe());
    // A stopped chain delivers nothing more: its consumer may already serve another body (the error page).
    const last: FilterTarget = {
      write: (buf) => (this.failure ? Promise.reject(this.failure) : sink.write(buf)),
      end: () => {
        if (!this.failure) sink.end();
      },
    };
    this.stages = specs.map((spec, i) => {
      const next = this.pipes[i + 1];
      const target: FilterTarget = next ? { write: (buf) => next.push(buf), end: () => next.end() } : last;
      return new FilterStage(spec.name, req, isInput, this.pipes[i], target);
    });
    this.done = Promise.all(
      this.stages.map(async (stage, i) => {
        try {
          await stage.run(specs[i].resolve());
        } catch (e) {
          this.fail(specs[i], e);
        }
      }),
    );
  }

  /** True when every filter passed the stream on untouched, so the body is the handler's own. */
  get declined(): boolean {
    return this.stages.every((s) => s.declined);
  }

  /**
   * Whether the filters change the body, known before any of it is written: false once every
   * filter has declined, true once each has decided and one has not (or the chain failed).
   * For handlers whose headers depend on it, such as a file's validators and byte ranges.
   */
  async changesBody(): Promise<boolean> {
    await Promise.race([Promise.all(this.stages.map((s) => s.decided())), this.stopped]);
    return !this.declined;
  }

  /** Feeds the first filter; resolves when it has room again, rejects once the chain has failed. */
  write(buf: Buffer): Promise<void> {
    return this.pipes[0].push(buf);
  }

  /** Ends the input and waits until every filter has finished; throws the chain's failure. */
  async end(): Promise<void> {
    this.pipes[0].end();
    await Promise.race([this.done, this.stopped]);
    if (this.failure) throw this.failure;
  }

  /** Fails the chain from outside (the client's body broke off): every filter stops. */
  abort(error: Error): void {
    if (this.failure) return;
    this.stop(error);
    this.onFailure(error);
  }

  /** Abandons the chain without blaming a filter (the response it fed was discarded). */
  cancel(): void {
    this.stop(new TsmodError(ErrorCode.FILTER_CLOSED, "the filtered response was discarded"));
  }

  private fail(spec: FilterSpec, err: unknown): void {
    if (this.failure) return; // later errors are consequences of the first
    const kind = this.isInput ? "input" : "output";
    if (err instanceof TsmodError && PASSED_THROUGH.has(err.code)) {
      this.req.logError(`${kind} filter ${spec.name}: ${err.message}`, APLOG_INFO);
      this.abort(err);
      return;
    }
    const text = errorText(err, this.req._state.runtime.errorLog.enabled(APLOG_DEBUG));
    this.req.logError(`${kind} filter ${spec.name} (${spec.handler}): ${text}`, APLOG_ERR);
    const e = err as { message?: unknown } | null;
    const message = typeof e?.message === "string" ? e.message : String(err);
    this.abort(new TsmodError(ErrorCode.FILTER_FAILED, `${kind} filter ${spec.name} failed: ${message}`));
  }

  private stop(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const p of this.pipes) p.fail(error);
    this.signalStop();
  }
}
