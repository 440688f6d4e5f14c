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
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/**
 * A bounded request loop: `keepAlive` clients reusing their connections and `fresh` clients
 * opening a new connection per request, each sending its next request as soon as the last
 * one is answered, until `done()` holds (or `maxMs` passes).
 */
export async function runLoad(url: string, done: () => boolean, { keepAlive = 4, fresh = 4, maxMs = 20_000 } = {}): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, failures: [], bodies: [] };
  const deadline = Date.now() + maxMs;
  const agent = new http.Agent({ keepAlive: true, maxSockets: keepAlive });
  const client = async (a: http.Agent | false) => {
    while (!done() && Date.now() < deadline) {
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

export function sleep(ms: number): Promise<void> {
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
