import * as http from "node:http";
import * as bcrypt from "bcryptjs";
import { startSite, type TestSite } from "../helpers/site";

const ATTEMPTS = 1000;
const ATTACKERS = 25;

function get(agent: http.Agent, port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, headers, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
  });
}

/**
 * bcrypt costs milliseconds of CPU per check: on the event loop a series of wrong passwords
 * would hold every other client up. On worker threads, the other clients barely notice.
 */
describe("a brute-force series against an AuthUserFile bcrypt entry", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(
      `ServerName brute.test
DocumentRoot @DIR@/htdocs
<Directory @DIR@/htdocs/private>
  AuthType Basic
  AuthName Private
  AuthUserFile @DIR@/htpasswd
  Require valid-user
</Directory>`,
      { htpasswd: `victim:${bcrypt.hashSync("the-real-one", 4)}\n`, "htdocs/private/x": "x", "htdocs/public.txt": "public" },
    );
  });
  afterAll(() => site.close());

  test(`${ATTEMPTS} wrong passwords: every one a 401, other clients' requests answered meanwhile without waiting on the hashes`, async () => {
    const attackAgent = new http.Agent({ keepAlive: true, maxSockets: ATTACKERS });
    const otherAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let next = 0;
    const statuses: number[] = [];
    const attacker = async () => {
      while (next < ATTEMPTS) {
        const auth = "Basic " + Buffer.from(`victim:guess-${next++}`).toString("base64");
        statuses.push(await get(attackAgent, site.port, "/private/x", { Authorization: auth }));
      }
    };
    let attacking = true;
    const latencies: number[] = [];
    const other = async () => {
      while (attacking) {
        const t = performance.now();
        expect(await get(otherAgent, site.port, "/public.txt")).toBe(200);
        latencies.push(performance.now() - t);
      }
    };
    const others = other();
    await Promise.all(Array.from({ length: ATTACKERS }, attacker));
    attacking = false;
    await others;
    attackAgent.destroy();
    otherAgent.destroy();
    expect(statuses.length).toBe(ATTEMPTS);
    expect(statuses.every((s) => s === 401)).toBe(true);
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)];
    // On the event loop, each of the 25 concurrent checks (a few ms each even at cost 4) would queue
    // ahead of the public request: a median in the hundreds of milliseconds.
    expect(latencies.length).toBeGreaterThan(20);
    expect(median).toBeLessThan(60);
  }, 120_000);
});
