/*
 * Several hosts behind nginx, sessions in PostgreSQL: a rolling deploy under steady load loses
 * nothing. Each host in turn is taken out of nginx's rotation, stopped gracefully, started with
 * new handler code and put back, while keep-alive clients POST increments to sessions of their
 * own; every request must succeed and every session must hold exactly the increments that were
 * answered. Runs only as root with `ip netns` (skipped, and reported so, elsewhere).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { PG_URL, adminQuery, dropSchema, uniqueSchema } from "../helpers/postgres";
import { HaproxyBalancer } from "./haproxy-balancer";
import { NginxBalancer } from "./nginx-balancer";
import { TestBed, canBuildHosts, exited, freePort, type Host } from "./testbed";

const HOSTS = 3;
const CLIENTS = 12;
const SITE_PORT = 8080;
const BIN = path.resolve(__dirname, "../../bin/tsmod.js");

const unavailable =
  canBuildHosts() ?? (PG_URL === "" ? "needs TSMOD_TEST_PG_URL" : null) ?? (spawnSync("nginx", ["-v"]).error ? "needs nginx (apt-get install nginx)" : null) ??
  (spawnSync("haproxy", ["-v"]).error ? "needs haproxy (apt-get install haproxy)" : null);
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
export function release(req: Request): number {
  void req.write(\`\${req.server.serverHostname} \${req.getOptions().get("release")}\`);
  return OK;
}
`;
}

function siteConfig(host: Host, schema: string, release = "r1"): string {
  return `Listen ${host.ip}:${SITE_PORT}
ServerName host${host.index}
Workers 2
ErrorLog stderr
TsAutoReload Off
TsOption tsmod.session.type postgres
TsOption tsmod.session.database postgres://postgres@${host.gateway}:5432/${new URL(PG_URL).pathname.slice(1) || "test"}
TsOption tsmod.session.schema ${schema}
TsOption tsmod.deploy.database postgres://postgres@${host.gateway}:5432/${new URL(PG_URL).pathname.slice(1) || "test"}
TsOption tsmod.deploy.schema ${schema}_deploy
TsOption tsmod.deploy.host host${host.index}
TsOption release ${release}
<Location /count>
  SetHandler tsmod
  TsHandler app
</Location>
<Location /release>
  SetHandler tsmod
  TsHandler app::release
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
    await dropSchema(`${schema}_deploy`);
  });

  /**
   * `tsmod deploy` run on this side, against the hosts' generation table. Not spawnSync: the
   * relays the hosts reach PostgreSQL through run in this process.
   */
  const runDeploy = () => {
    const conf = path.join(bed.dir, "deploy.conf");
    fs.writeFileSync(conf, `Listen 127.0.0.1:0\nTsOption tsmod.deploy.database ${PG_URL}\nTsOption tsmod.deploy.schema ${schema}_deploy\n`);
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, "deploy", "-f", conf]);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  };

  /**
   * Waits until every host answers `expected` on /release. A host's reload has finished when its
   * new workers listen; an old worker may still take a connection or two while it retires.
   */
  const releasesBecome = async (expected: string[]) => {
    let seen: string[] = [];
    for (let i = 0; i < 100; i++) {
      seen = await releases();
      if (JSON.stringify(seen) === JSON.stringify(expected)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toEqual(expected);
  };

  /** What each host answers on /release, through its own address. */
  const releases = () =>
    Promise.all(
      bed.hosts.map(
        (h) =>
          new Promise<string>((resolve, reject) =>
            http.get(`http://${h.ip}:${SITE_PORT}/release`, (res) => {
              let body = "";
              res.on("data", (d: Buffer) => (body += d.toString()));
              res.on("end", () => resolve(body));
            }).on("error", reject),
          ),
      ),
    );

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

  test("tsmod deploy reloads every host in host-name order; a host whose configuration fails keeps serving and says so", async () => {
    expect(await releases()).toEqual(["host1 r1", "host2 r1", "host3 r1"]);
    for (const host of bed.hosts) fs.writeFileSync(path.join(bed.dir, `host${host.index}`, "tsmod.conf"), siteConfig(host, schema, "r2"));
    const first = await runDeploy();
    expect(first).toEqual({ status: 0, stderr: "", stdout: expect.stringMatching(/^generation \d+\n/) });
    const generation = Number(/^generation (\d+)$/m.exec(first.stdout)![1]);
    expect(first.stdout).toContain(`host1\tserving\tgeneration ${generation}\nhost2\tserving\tgeneration ${generation}\nhost3\tserving\tgeneration ${generation}\n`);
    await releasesBecome(["host1 r2", "host2 r2", "host3 r2"]);
    // One at a time, in host-name order.
    const changed = await adminQuery<{ host: string }>(`select host from "${schema}_deploy".hosts order by changed`);
    expect(changed.map((r) => r.host)).toEqual(["host1", "host2", "host3"]);

    fs.writeFileSync(path.join(bed.dir, "host2", "tsmod.conf"), siteConfig(bed.hosts[1], schema, "r3") + "NoSuchDirective here\n");
    for (const i of [0, 2]) fs.writeFileSync(path.join(bed.dir, `host${i + 1}`, "tsmod.conf"), siteConfig(bed.hosts[i], schema, "r3"));
    const second = await runDeploy();
    expect(second.status).toBe(1);
    expect(second.stdout).toContain(`host2\tfailed\tgeneration ${generation}\tgeneration ${generation + 1} did not load`);
    await releasesBecome(["host1 r3", "host2 r2", "host3 r3"]);
    // The rest of the tests run with a configuration every host loads.
    fs.writeFileSync(path.join(bed.dir, "host2", "tsmod.conf"), siteConfig(bed.hosts[1], schema, "r3"));
  });

  /**
   * Each host in turn: out of rotation (`takeOut` resolves once the balancer sends it nothing),
   * stopped gracefully, started with new code, back in; while clients POST increments.
   */
  async function rollingDeploy(base: string, version: string, takeOut: (host: Host) => Promise<void>, putBack: (host: Host) => Promise<void>) {
    const clients = Array.from({ length: CLIENTS }, () => new Client(base));
    let deployed = false;
    const load = Promise.all(clients.map((c) => c.run(() => deployed)));
    for (const host of bed.hosts) {
      await takeOut(host);
      const server = servers.get(host)!;
      server.kill("SIGTERM");
      expect(await exited(server)).toBe(0);
      await startHost(host, version);
      await putBack(host);
    }
    deployed = true;
    await load;
    expect(clients.flatMap((c) => c.failures)).toEqual([]);
    // Every host runs the new code; every session holds exactly its answered increments.
    for (const c of clients) {
      expect(c.answered).toBeGreaterThan(0);
      expect(await c.send("GET")).toBe(`${version} ${c.answered}`);
      c.agent.destroy();
    }
  }

  test("a rolling deploy under load through nginx: every request answered, no session write lost", async () => {
    const everyHost = () => bed.hosts.map((h) => `${h.ip}:${SITE_PORT}`);
    await rollingDeploy(
      lb.url,
      "v2",
      (host) => lb.setUpstreams(everyHost().filter((u) => !u.startsWith(`${host.ip}:`))),
      () => lb.setUpstreams(everyHost()),
    );
  });

  test("a rolling deploy under load through HAProxy (drained through its runtime API): every request answered, no write lost", async () => {
    const servers = Object.fromEntries(bed.hosts.map((h) => [`host${h.index}`, `${h.ip}:${SITE_PORT}`]));
    const haproxy = await HaproxyBalancer.start(bed, await freePort(), servers, "/release");
    await rollingDeploy(
      haproxy.url,
      "v3",
      (host) => haproxy.drain(`host${host.index}`),
      (host) => haproxy.restore(`host${host.index}`),
    );
  });
});
