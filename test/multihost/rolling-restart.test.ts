/*
 * Several hosts behind nginx, sessions in PostgreSQL: a rolling deploy under steady load loses
 * nothing. Each host in turn is taken out of nginx's rotation, stopped gracefully, started with
 * new handler code and put back, while keep-alive clients POST increments to sessions of their
 * own; every request must succeed and every session must hold exactly the increments that were
 * answered. Runs only as root with `ip netns` (skipped, and reported so, elsewhere).
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { PG_URL, dropSchema, uniqueSchema } from "../helpers/postgres";
import { NginxBalancer } from "./nginx-balancer";
import { TestBed, canBuildHosts, exited, freePort, type Host } from "./testbed";

const HOSTS = 3;
const CLIENTS = 12;
const SITE_PORT = 8080;
const BIN = path.resolve(__dirname, "../../bin/tsmod.js");

const unavailable =
  canBuildHosts() ?? (PG_URL === "" ? "needs TSMOD_TEST_PG_URL" : null) ?? (spawnSync("nginx", ["-v"]).error ? "needs nginx (apt-get install nginx)" : null);
const describeHosts = unavailable ? describe.skip : describe;

function handler(version: string): string {
  return `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  const session = await req.getSession();
  let n = (session.get("n") as number | undefined) ?? 0;
  if (req.method === "POST") {
    n++;
    session.set("n", n);
    await session.save();
  }
  req.contentType = "text/plain";
  await req.write(\`${version} \${n}\`);
  return OK;
}
`;
}

function siteConfig(host: Host, schema: string): string {
  return `Listen ${host.ip}:${SITE_PORT}
ServerName host${host.index}
Workers 2
ErrorLog stderr
TsAutoReload Off
TsOption tsmod.session.type postgres
TsOption tsmod.session.database postgres://postgres@${host.gateway}:5432/${new URL(PG_URL).pathname.slice(1) || "test"}
TsOption tsmod.session.schema ${schema}
<Location /count>
  SetHandler tsmod
  TsHandler app
</Location>
`;
}

/**
 * One client with a session of its own, POSTing increments until told to stop. A connection per
 * request: nginx's reload closes its idle client connections, and a request a client sends on
 * one at that moment is lost between the client and nginx whatever the backend does (browsers
 * retry such requests). The connections that matter here, nginx's to the hosts, are keep-alive.
 */
class Client {
  readonly agent = new http.Agent({ keepAlive: false });
  cookie = "";
  answered = 0;
  readonly failures: string[] = [];

  constructor(private readonly base: string) {}

  send(method: "GET" | "POST"): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.base}/count`, { method, agent: this.agent, headers: this.cookie ? { cookie: this.cookie } : {} }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => {
          const set = res.headers["set-cookie"]?.[0];
          if (set) this.cookie = set.split(";")[0];
          if (res.statusCode === 200) resolve(body);
          else reject(new Error(`${res.statusCode} ${body.slice(0, 80)}`));
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  }

  async run(until: () => boolean): Promise<void> {
    while (!until()) {
      try {
        await this.send("POST");
        this.answered++;
      } catch (e) {
        this.failures.push((e as Error).message);
      }
    }
  }
}

describeHosts(`several hosts behind nginx${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  jest.setTimeout(120_000);
  let bed: TestBed;
  let lb: NginxBalancer;
  const schema = uniqueSchema("tsmod_multihost");
  const servers = new Map<Host, ChildProcess>();

  const startHost = async (host: Host, version: string) => {
    const dir = path.join(bed.dir, `host${host.index}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "app.ts"), handler(version));
    fs.writeFileSync(path.join(dir, "tsmod.conf"), siteConfig(host, schema));
    servers.set(host, await bed.startInHost(host, [BIN, "serve", "-f", path.join(dir, "tsmod.conf")]));
  };

  beforeAll(async () => {
    bed = await TestBed.build(HOSTS, [5432]);
    for (const host of bed.hosts) await startHost(host, "v1");
    lb = await NginxBalancer.start(bed, await freePort(), bed.hosts.map((h) => `${h.ip}:${SITE_PORT}`));
  });

  afterAll(async () => {
    await bed?.destroy();
    await dropSchema(schema);
  });

  test("concurrent increments of one session, spread over every host, are all kept", async () => {
    const first = new Client(lb.url);
    // A session exists once it is saved: the first increment makes it.
    expect(await first.send("POST")).toMatch(/^v\d 1$/);
    const increments = 40;
    // Separate connections: nginx spreads them over the hosts, whose locks meet in PostgreSQL.
    const shared = Array.from({ length: increments }, () => {
      const c = new Client(lb.url);
      c.cookie = first.cookie;
      return c.send("POST");
    });
    await Promise.all(shared);
    expect(await first.send("GET")).toMatch(new RegExp(`^v\\d ${increments + 1}$`));
  });

  test("a rolling deploy under load: every request answered, no session write lost", async () => {
    const clients = Array.from({ length: CLIENTS }, () => new Client(lb.url));
    // Each client's session exists before the deploy starts.
    for (const c of clients) expect(await c.send("GET")).toBe("v1 0");
    let deployed = false;
    const load = Promise.all(clients.map((c) => c.run(() => deployed)));
    for (const host of bed.hosts) {
      const others = bed.hosts.filter((h) => h !== host).map((h) => `${h.ip}:${SITE_PORT}`);
      await lb.setUpstreams(others);
      const server = servers.get(host)!;
      server.kill("SIGTERM");
      expect(await exited(server)).toBe(0);
      await startHost(host, "v2");
      await lb.setUpstreams(bed.hosts.map((h) => `${h.ip}:${SITE_PORT}`));
    }
    deployed = true;
    await load;
    expect(clients.flatMap((c) => c.failures)).toEqual([]);
    // Every host runs the new code; every session holds exactly its answered increments.
    for (const c of clients) {
      expect(c.answered).toBeGreaterThan(0);
      expect(await c.send("GET")).toBe(`v2 ${c.answered}`);
      c.agent.destroy();
    }
  });
});
