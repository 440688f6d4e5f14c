import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { request, startSite, type TestSite } from "../helpers/site";

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
  await req.write(String(n));
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
async function incrementEverywhere(servers: { port: number }[]): Promise<{ counts: number[]; final: string }> {
  const start = await request(servers[0], "/start");
  expect(start.status).toBe(200);
  const cookie = `tsmodsid=${start.body}`;
  const replies = await Promise.all(
    Array.from({ length: REQUESTS }, (_, i) => request(servers[i % servers.length], "/increment", { headers: { cookie } })),
  );
  expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
  const final = await request(servers[servers.length - 1], "/read", { headers: { cookie } });
  return { counts: replies.map((r) => Number(r.body)).sort((a, b) => a - b), final: final.body };
}

const oneToHundred = Array.from({ length: REQUESTS }, (_, i) => i + 1);

const pgUrl = process.env.TSMOD_TEST_PG_URL;

if (pgUrl === undefined) {
  test("PostgreSQL two-instance test skipped: TSMOD_TEST_PG_URL not set", () => {
    console.warn("PostgreSQL two-instance session test skipped: TSMOD_TEST_PG_URL not set");
  });
} else {
  describe("sessions on PostgreSQL shared by two tsmod instances", () => {
    // A schema of its own per run (tsmod.session.schema), so parallel runs never meet; dropped afterwards.
    const schema = `tsmod_e2e_${process.pid}_${randomBytes(4).toString("hex")}`;
    const sites: TestSite[] = [];

    beforeAll(async () => {
      const options = `TsOption tsmod.session.type postgres
TsOption tsmod.session.database ${pgUrl}
TsOption tsmod.session.schema ${schema}`;
      // Each server has its own SessionManager and connection pool: only PostgreSQL is shared.
      sites.push(await startSite(counterConfig(options), { "counter.ts": COUNTER }));
      sites.push(await startSite(counterConfig(options), { "counter.ts": COUNTER }));
    });

    afterAll(async () => {
      await Promise.all(sites.map((site) => site.close()));
      const admin = new Client({ connectionString: pgUrl });
      await admin.connect();
      try {
        await admin.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await admin.end();
      }
    });

    test(`${REQUESTS} concurrent increments of one session, split across both instances, end at exactly ${REQUESTS}`, async () => {
      const { counts, final } = await incrementEverywhere(sites);
      expect(counts).toEqual(oneToHundred);
      expect(final).toBe(String(REQUESTS));
      expect(sites.flatMap((site) => site.log).join("\n")).not.toMatch(/session store|tsmod sessions:/);
    });
  });
}
