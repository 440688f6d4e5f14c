import * as fs from "node:fs";
import * as path from "node:path";
import { serve, type Served } from "../helpers/cli";
import { createOtherSessionSchema, describeWithPostgres, dropSchema, PG_URL, uniqueSchema } from "../helpers/postgres";
import { describeWithRedis, dropPrefix, REDIS_URL, uniquePrefix } from "../helpers/redis";
import { request, startSite, type TestSite, writeTree } from "../helpers/site";

/**
 * One session, many processes: every request increments a counter, so a lost update shows as
 * a final count below the number of requests. The handler waits between reading and writing
 * to widen the window another process would need to slip in.
 */
const COUNTER = `import { OK, type Request } from "tsmod";
export async function start(req: Request): Promise<number> {
  const s = await req.getSession();
  s.set("n", 0);
  await s.save();
  await req.write(s.id);
  return OK;
}
export async function increment(req: Request): Promise<number> {
  const s = await req.getSession();
  const n = (s.get<number>("n") ?? 0) + 1;
  await new Promise((r) => setTimeout(r, 2));
  s.set("n", n);
  await s.save();
  await req.write(n + " " + process.pid);
  return OK;
}
export async function read(req: Request): Promise<number> {
  const s = await req.getSession();
  await req.write(String(s.get("n")));
  return OK;
}
`;

const REQUESTS = 100;

function counterConfig(sessionOptions: string): string {
  return `ServerName sessions.test
${sessionOptions}
<Location /start>
  SetHandler tsmod
  TsHandler counter::start
</Location>
<Location /increment>
  SetHandler tsmod
  TsHandler counter::increment
</Location>
<Location /read>
  SetHandler tsmod
  TsHandler counter::read
</Location>
`;
}

/**
 * Creates the session on the first server, then sends REQUESTS increments at once, spread
 * round robin over `servers`; every increment must have seen the previous one.
 */
async function incrementEverywhere(servers: { port: number }[]): Promise<{ counts: number[]; pids: Set<string>; final: string }> {
  const start = await request(servers[0], "/start");
  expect(start.status).toBe(200);
  const cookie = `tsmodsid=${start.body}`;
  const replies = await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) => request(servers[i % servers.length], "/increment", { headers: { cookie } })),
  );
  expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
  const final = await request(servers[servers.length - 1], "/read", { headers: { cookie } });
  const answers = replies.map((r) => r.body.split(" "));
  return {
    counts: answers.map(([n]) => Number(n)).sort((a, b) => a - b),
    pids: new Set(answers.map(([, pid]) => pid)),
    final: final.body,
  };
}

const oneToHundred = Array.from({ length: REQUESTS }, (_, i) => i + 1);

describeWithPostgres("sessions on PostgreSQL shared by two tsmod instances (TSMOD_TEST_PG_URL)", () => {
  // A schema of its own per run (tsmod.session.schema), so parallel runs never meet; dropped
  // afterwards. Another site's session schema lives in the same database, as in the multi-site recipe.
  const schema = uniqueSchema("tsmod_e2e");
  let otherSite: string | undefined;
  const sites: TestSite[] = [];

  beforeAll(async () => {
    otherSite = await createOtherSessionSchema();
    const options = `TsOption tsmod.session.type postgres
TsOption tsmod.session.database ${PG_URL}
TsOption tsmod.session.schema ${schema}`;
    // Each server has its own SessionManager and connection pool: only PostgreSQL is shared.
    sites.push(await startSite(counterConfig(options), { "counter.ts": COUNTER }));
    sites.push(await startSite(counterConfig(options), { "counter.ts": COUNTER }));
  });

  afterAll(async () => {
    await Promise.all(sites.map((site) => site.close()));
    await dropSchema(schema);
    if (otherSite !== undefined) await dropSchema(otherSite);
  });

  test(`${REQUESTS} concurrent increments of one session, split across both instances, end at exactly ${REQUESTS}`, async () => {
    const { counts, final } = await incrementEverywhere(sites);
    expect(counts).toEqual(oneToHundred);
    expect(final).toBe(String(REQUESTS));
    expect(sites.flatMap((site) => site.log).join("\n")).not.toMatch(/session store|tsmod sessions:/);
  });
});

describeWithRedis("sessions on Redis shared by two tsmod instances (TSMOD_TEST_REDIS_URL)", () => {
  const prefix = uniquePrefix();
  const sites: TestSite[] = [];
  beforeAll(async () => {
    const options = `TsOption tsmod.session.type redis
TsOption tsmod.session.url ${REDIS_URL}
TsOption tsmod.session.key_prefix ${prefix}`;
    // Each server has its own SessionManager and Redis client: only Redis is shared.
    sites.push(await startSite(counterConfig(options), { "counter.ts": COUNTER }));
    sites.push(await startSite(counterConfig(options), { "counter.ts": COUNTER }));
  });
  afterAll(async () => {
    await Promise.all(sites.map((site) => site.close()));
    await dropPrefix(prefix);
  });

  test(`${REQUESTS} concurrent increments of one session, split across both instances, end at exactly ${REQUESTS}`, async () => {
    const { counts, final } = await incrementEverywhere(sites);
    expect(counts).toEqual(oneToHundred);
    expect(final).toBe(String(REQUESTS));
    expect(sites.flatMap((site) => site.log).join("\n")).not.toMatch(/session store|tsmod sessions:/);
  });
});

describe("sessions on SQLite with Workers 2 (the default store, one file shared by the worker processes)", () => {
  let dir: string;
  let server: Served;
  let port: number;

  beforeAll(async () => {
    dir = writeTree({
      "counter.ts": COUNTER,
      "tsmod.conf": `Listen 127.0.0.1:0\nWorkers 2\n${counterConfig("TsOption tsmod.session.database_directory sessions")}`,
    });
    server = await serve(path.join(dir, "tsmod.conf"));
    port = Number(new URL(server.urls[0]).port);
  }, 30_000);

  afterAll(async () => {
    if (server) await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(`${REQUESTS} concurrent increments of one session, answered by both workers, end at exactly ${REQUESTS}`, async () => {
    const { counts, pids, final } = await incrementEverywhere([{ port }]);
    expect(pids.size).toBe(2); // the primary handed connections to both workers
    expect(pids.has(String(server.child.pid))).toBe(false);
    expect(counts).toEqual(oneToHundred);
    expect(final).toBe(String(REQUESTS));
    expect(fs.existsSync(path.join(dir, "sessions/tsmod-sessions.sqlite"))).toBe(true);
    expect(server.output()).not.toMatch(/session store|tsmod sessions:/);
  });
});
