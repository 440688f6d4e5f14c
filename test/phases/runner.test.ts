import { DECLINED, DONE, HTTP_FORBIDDEN, OK } from "../../platform/constants";
import { PHASES, type HandlerEntry, type PhaseSpec } from "../../platform/core";
import { ServerReturn } from "../../platform/errors";
import { runPhase } from "../../platform/phases";
import type { Request } from "../../platform/request";

type Fn = (req: Request) => unknown;

/** A request stand-in with just what the runner touches; handlers come from a fake built-in. */
function fakeRequest(handlers: Record<string, Fn>, debug = false) {
  const log: string[] = [];
  const written: string[] = [];
  const req = {
    phase: null as string | null,
    hlist: null,
    status: 200,
    headersSent: false,
    headerOnly: false,
    contentType: null as string | null,
    notes: new Map<string, string>(),
    write: async (s: string) => void written.push(s),
    logError: (m: string) => void log.push(m),
    _state: {
      running: null,
      plan: { core: { debug } },
      runtime: { registry: () => ({ builtin: () => handlers }), errorLog: { enabled: () => false } },
    },
  };
  return { req: req as unknown as Request, log, written };
}

const entry = (func: string, silent = false): HandlerEntry => ({ module: "tsmod/fake", func, directory: null, isLocation: false, silent, file: null, line: 0 });

async function run(phase: PhaseSpec, results: unknown[], debug = false) {
  const calls: number[] = [];
  const handlers: Record<string, Fn> = {};
  results.forEach((r, i) => {
    handlers[`h${i}`] = () => {
      calls.push(i);
      if (r instanceof Error || r instanceof ServerReturn) throw r;
      return r;
    };
  });
  const f = fakeRequest(handlers, debug);
  const result = await runPhase(f.req, phase, results.map((_, i) => entry(`h${i}`)));
  return { result, calls, ...f };
}

describe("phase runner: mod_python's stacking rules", () => {
  test("an empty list declines", async () => {
    expect((await run(PHASES.fixup, [])).result).toBe(DECLINED);
  });

  test("RUN_ALL phases continue on OK and DECLINED, stop on anything else", async () => {
    expect(await run(PHASES.fixup, [DECLINED, OK, OK])).toMatchObject({ result: OK, calls: [0, 1, 2] });
    expect(await run(PHASES.access, [OK, HTTP_FORBIDDEN, OK])).toMatchObject({ result: HTTP_FORBIDDEN, calls: [0, 1] });
    expect(await run(PHASES.fixup, [DONE, OK])).toMatchObject({ result: DONE, calls: [0] });
  });

  test("RUN_FIRST phases continue only on DECLINED", async () => {
    expect(await run(PHASES.authen, [DECLINED, OK, OK])).toMatchObject({ result: OK, calls: [0, 1] });
    expect(await run(PHASES.authen, [DECLINED, DECLINED])).toMatchObject({ result: DECLINED, calls: [0, 1] });
  });

  /** mod_python's `_status_values` (reference §2.1): the results after which the next stacked handler runs. */
  const CONTINUES_ON: Record<keyof typeof PHASES, number[]> = {
    postReadRequest: [OK, DECLINED],
    trans: [DECLINED],
    headerParser: [OK, DECLINED],
    init: [OK, DECLINED],
    access: [OK, DECLINED],
    authen: [DECLINED],
    authz: [DECLINED],
    type: [DECLINED],
    fixup: [OK, DECLINED],
    content: [OK],
    log: [OK, DECLINED],
    cleanup: [OK],
  };

  test.each(Object.keys(PHASES) as (keyof typeof PHASES)[])("%s: the next handler runs exactly after the results mod_python continues on", async (name) => {
    expect(Object.keys(CONTINUES_ON).sort()).toEqual(Object.keys(PHASES).sort());
    for (const first of [OK, DECLINED, DONE, HTTP_FORBIDDEN]) {
      const goesOn = CONTINUES_ON[name].includes(first);
      const r = await run(PHASES[name], [first, OK]);
      expect({ first, calls: r.calls, result: r.result }).toEqual({ first, calls: goesOn ? [0, 1] : [0], result: goesOn ? OK : first });
    }
  });

  test("the content phase continues only on OK (DECLINED stops it)", async () => {
    expect(await run(PHASES.content, [OK, DECLINED, OK])).toMatchObject({ result: DECLINED, calls: [0, 1] });
  });

  test("a thrown ServerReturn counts as the result, and may set the status", async () => {
    const r = await run(PHASES.content, [new ServerReturn(OK), new ServerReturn(DONE, 418), OK]);
    expect(r).toMatchObject({ result: DONE, calls: [0, 1] });
    expect(r.req.status).toBe(418);
  });

  test("an error is logged with phase and handler and becomes 500; with TsDebug the trace is written and the result is DONE", async () => {
    const plain = await run(PHASES.content, [new Error("boom")]);
    expect(plain.result).toBe(500);
    expect(plain.log[0]).toMatch(/^TsHandler tsmod\/fake::h0: Error: boom/);
    expect(plain.written).toEqual([]);
    const debug = await run(PHASES.content, [new Error("boom <b>")], true);
    expect(debug.result).toBe(DONE);
    expect(debug.written.join("")).toContain("boom &lt;b&gt;");
  });

  test("a value that is not a result is an error naming the handler and the phase", async () => {
    const r = await run(PHASES.fixup, ["OK"]);
    expect(r.result).toBe(500);
    expect(r.log[0]).toContain(`handler 'tsmod/fake::h0' in phase TsFixupHandler returned "OK", not a result`);
    expect((await run(PHASES.fixup, [undefined])).result).toBe(500);
    expect((await run(PHASES.fixup, [3.5])).result).toBe(500);
  });

  test("a silent entry whose function is missing is skipped", async () => {
    const f = fakeRequest({ present: () => OK });
    expect(await runPhase(f.req, PHASES.fixup, [entry("missing", true), entry("present")])).toBe(OK);
    expect(await runPhase(f.req, PHASES.fixup, [entry("missing", true)])).toBe(DECLINED);
    expect(await runPhase(f.req, PHASES.fixup, [entry("missing")])).toBe(500);
  });

  test("req.phase names the running phase", async () => {
    let seen: string | null = null;
    const f = fakeRequest({ h: (req) => ((seen = req.phase), OK) });
    await runPhase(f.req, PHASES.authz, [entry("h")]);
    expect(seen).toBe("TsAuthzHandler");
  });

  test("handlers that answer at once give the phase's result at once, not a promise", () => {
    const f = fakeRequest({ a: () => DECLINED, b: () => OK });
    expect(runPhase(f.req, PHASES.fixup, [entry("a"), entry("b")])).toBe(OK);
    expect(f.req._state.running).toBeNull();
  });

  test("after a handler that answers late, the rest of the list runs in order with the same stacking rule", async () => {
    const calls: string[] = [];
    const f = fakeRequest({
      a: () => (calls.push("a"), DECLINED),
      b: async () => (calls.push("b"), DECLINED),
      c: () => (calls.push("c"), HTTP_FORBIDDEN),
      d: () => (calls.push("d"), OK),
    });
    const pending = runPhase(f.req, PHASES.access, [entry("a"), entry("b"), entry("c"), entry("d")]);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBe(HTTP_FORBIDDEN);
    expect(calls).toEqual(["a", "b", "c"]);
    expect(f.req._state.running).toBeNull();
  });

  test("a late rejection is reported like a thrown error, and the phase goes on by its result", async () => {
    const f = fakeRequest({ a: () => Promise.reject(new ServerReturn(DECLINED)), b: () => Promise.reject(new Error("late")) });
    expect(await runPhase(f.req, PHASES.fixup, [entry("a"), entry("b")])).toBe(500);
    expect(f.log[0]).toMatch(/^TsFixupHandler tsmod\/fake::b: Error: late/);
  });

  test("a handler added to the running phase while a late handler runs is still run", async () => {
    const calls: string[] = [];
    const entries = [entry("a")];
    const f = fakeRequest({
      a: async () => {
        entries.push(entry("b"));
        return OK;
      },
      b: () => (calls.push("b"), OK),
    });
    expect(await runPhase(f.req, PHASES.fixup, entries)).toBe(OK);
    expect(calls).toEqual(["b"]);
  });
});
