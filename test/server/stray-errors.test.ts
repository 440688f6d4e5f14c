import type { IncomingMessage } from "node:http";
import { APLOG_CRIT, APLOG_EMERG, APLOG_ERR } from "../../platform/constants";
import { describeStray, isFatal, type StraySource } from "../../platform/server/stray-errors";

function request(method: string, url: string, port: number): IncomingMessage {
  return { method, url, socket: { remoteAddress: "127.0.0.1", remotePort: port } } as unknown as IncomingMessage;
}

function source(inFlight: IncomingMessage[] = []): StraySource {
  return { isLoadedModule: (f) => f === "/site/app/h.ts", serverRoot: "/site", requestsInFlight: () => inFlight };
}

function errorAt(...frames: string[]): Error {
  const e = new Error("boom");
  e.stack = ["Error: boom", ...frames.map((f) => `    at ${f}`)].join("\n");
  return e;
}

describe("describeStray: which handler code and which requests a stray error came from", () => {
  test("the first frame in a loaded module names the handler code, with its line; the one request in flight is named", () => {
    const err = errorAt("JSON.parse (<anonymous>)", "Timeout._onTimeout (/site/app/h.ts:7:11)", "listOnTimeout (node:internal/timers:581:17)");
    const r = describeStray(err, "uncaughtException", false, source([request("GET", "/h?x", 4000)]));
    expect(r.level).toBe(APLOG_ERR);
    expect(r.client).toBe("127.0.0.1:4000");
    expect(r.message).toMatch(/^stray error \(uncaught exception\) from handler code app\/h\.ts:7 \(Timeout\._onTimeout\), while serving GET \/h\?x \(client 127\.0\.0\.1:4000\); serving on:\nError: boom\n/);
  });

  test("async frames count, and several requests in flight are listed, the rest counted", () => {
    const err = errorAt("async handler (/site/app/h.ts:3:5)");
    const inFlight = [1, 2, 3, 4, 5].map((i) => request("POST", `/h/${i}`, 4000 + i));
    const r = describeStray(err, "unhandledRejection", false, source(inFlight));
    expect(r.client).toBeUndefined();
    expect(r.message).toContain("stray error (unhandled promise rejection) from handler code app/h.ts:3 (handler), with 5 requests in flight: POST /h/1 (client 127.0.0.1:4001), POST /h/2 (client 127.0.0.1:4002), POST /h/3 (client 127.0.0.1:4003) and 2 more;");
  });

  test("no frame in handler code: crit, as a possible fault of tsmod; a value that is not an Error is shown as such", () => {
    const r = describeStray("a string", "uncaughtException", false, source());
    expect(r.level).toBe(APLOG_CRIT);
    expect(r.message).toBe("stray error (uncaught exception) from outside the handler modules (its stack shows none; a fault in tsmod itself?), with no request in flight; serving on:\nthrown value: a string");
  });

  test("a fatal one says the process exits", () => {
    const r = describeStray(errorAt("x (/site/app/h.ts:1:1)"), "uncaughtException", true, source());
    expect(r.level).toBe(APLOG_EMERG);
    expect(r.message).toMatch(/; the process cannot go on and exits:\n/);
  });
});

describe("isFatal: a state the process cannot serve on from", () => {
  test("memory that cannot be had and Node's internals broken are fatal", () => {
    expect(isFatal(new RangeError("Array buffer allocation failed"))).toBe(true);
    expect(isFatal(Object.assign(new Error("x"), { code: "ERR_MEMORY_ALLOCATION_FAILED" }))).toBe(true);
    expect(isFatal(Object.assign(new Error("x"), { code: "ERR_INTERNAL_ASSERTION" }))).toBe(true);
  });

  test("an ordinary handler fault is not", () => {
    expect(isFatal(new TypeError("x is not a function"))).toBe(false);
    expect(isFatal(new RangeError("Maximum call stack size exceeded"))).toBe(false);
    expect(isFatal("a string")).toBe(false);
    expect(isFatal(null)).toBe(false);
  });
});
