import type { ServerResponse } from "node:http";
import { InFlight } from "../../platform/server/in-flight";

function response(headersSent = false): ServerResponse {
  return { headersSent } as unknown as ServerResponse;
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settled = () => new Promise((r) => setImmediate(r));

test("unsent() lists the running responses whose headers are not out, whatever order they finish in", async () => {
  const inFlight = new InFlight<object>();
  const site = {};
  const [a, b, c, d] = [response(), response(), response(true), response()];
  const works = [deferred(), deferred(), deferred(), deferred()];
  [a, b, c, d].forEach((res, i) => inFlight.track(site, res, works[i].promise));
  expect(new Set(inFlight.unsent())).toEqual(new Set([a, b, d]));
  works[1].resolve(); // one in the middle
  await settled();
  expect(new Set(inFlight.unsent())).toEqual(new Set([a, d]));
  works[3].reject(new Error("failed")); // the newest, failing
  await settled();
  expect([...inFlight.unsent()]).toEqual([a]);
  works[0].resolve(); // the oldest
  await settled();
  expect([...inFlight.unsent()]).toEqual([]);
  works[2].resolve();
  await settled();
  expect([...inFlight.unsent()]).toEqual([]);
});

test("work done already is not tracked; idle() waits for the last request of its key only", async () => {
  const inFlight = new InFlight<object>();
  const [one, two] = [{}, {}];
  inFlight.track(one, response(), undefined);
  expect([...inFlight.unsent()]).toEqual([]);
  const work = deferred();
  inFlight.track(one, response(), work.promise);
  let idle = false;
  void inFlight.idle(one).then(() => (idle = true));
  await expect(inFlight.idle(two)).resolves.toBeUndefined();
  await settled();
  expect(idle).toBe(false);
  work.resolve();
  await settled();
  expect(idle).toBe(true);
});

test("started() lists the running responses whose headers are out", async () => {
  const inFlight = new InFlight<object>();
  const site = {};
  const [sent, unsent] = [response(true), response()];
  const works = [deferred(), deferred()];
  inFlight.track(site, sent, works[0].promise);
  inFlight.track(site, unsent, works[1].promise);
  expect([...inFlight.started()]).toEqual([sent]);
  works[0].resolve();
  await settled();
  expect([...inFlight.started()]).toEqual([]);
  works[1].resolve();
});
