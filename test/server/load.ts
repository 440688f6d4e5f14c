import * as http from "node:http";

export interface LoadResult {
  /** Requests answered with the expected status. */
  ok: number;
  /** One line per failed request: a connection error, a timeout or an unexpected status. */
  failures: string[];
  /** Every distinct body seen, in order of first appearance. */
  bodies: string[];
}

/** One GET; resolves with the status and body, or rejects with the connection error. */
export function get(url: string, agent: http.Agent | false, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return getStarted(url, agent, timeoutMs).done;
}

/**
 * One GET, with a promise for the arrival of the response headers too: a handler that sends
 * them before it takes its time shows that the request is running.
 */
export function getStarted(url: string, agent: http.Agent | false, timeoutMs = 5000): { started: Promise<void>; done: Promise<{ status: number; body: string }> } {
  let started!: () => void;
  const headers = new Promise<void>((resolve) => (started = resolve));
  const done = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      started();
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
  });
  return { started: headers, done };
}

/**
 * A bounded request loop: `keepAlive` clients reusing their connections and `fresh` clients
 * opening a new connection per request, each sending its next request as soon as the last
 * one is answered, until `done(result so far)` holds (or `maxMs` passes).
 */
export async function runLoad(url: string, done: (sofar: LoadResult) => boolean, { keepAlive = 4, fresh = 4, maxMs = 20_000 } = {}): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, failures: [], bodies: [] };
  const deadline = Date.now() + maxMs;
  const agent = new http.Agent({ keepAlive: true, maxSockets: keepAlive });
  const client = async (a: http.Agent | false) => {
    while (!done(result) && Date.now() < deadline) {
      try {
        const r = await get(url, a);
        if (r.status !== 200) result.failures.push(`status ${r.status}: ${r.body.slice(0, 200)}`);
        else {
          result.ok++;
          if (!result.bodies.includes(r.body)) result.bodies.push(r.body);
        }
      } catch (e) {
        result.failures.push(`${(e as NodeJS.ErrnoException).code ?? ""} ${(e as Error).message}`);
      }
    }
  };
  await Promise.all([...Array.from({ length: keepAlive }, () => client(agent)), ...Array.from({ length: fresh }, () => client(false))]);
  agent.destroy();
  return result;
}

/** `runLoad` in the background: `answered(n)` waits until `n` more requests are answered. */
export function startLoad(url: string, options?: Parameters<typeof runLoad>[2]): { answered(n: number): Promise<void>; stop(): Promise<LoadResult> } {
  let stopping = false;
  let sofar: LoadResult | undefined;
  const run = runLoad(
    url,
    (r) => {
      sofar = r;
      return stopping;
    },
    options,
  );
  return {
    async answered(n) {
      const from = sofar?.ok ?? 0;
      await eventually(() => (sofar?.ok ?? 0) >= from + n, 8000, `${n} more requests answered`);
    },
    stop() {
      stopping = true;
      return run;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 50 ms until it returns true, failing after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 8000, what = "condition"): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(50);
  }
}
