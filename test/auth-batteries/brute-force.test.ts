import * as http from "node:http";
import * as path from "node:path";
import { UserStore } from "../../handlers/user-database";
import { request, startSite, writeTree, type TestSite } from "../helpers/site";
import { basic, LOAD_TEST_PROVIDER } from "./auth-site";

let site: TestSite;
beforeAll(async () => {
  const dir = writeTree({ "www/public.txt": "public\n", "www/private/x.txt": "x\n" });
  // A cost high enough that 1,000 hashes keep the thread pool busy for a while.
  const store = new UserStore({ location: path.join(dir, "data/users.db") }, undefined, { ln: 9, r: 8, p: 1 });
  await store.setPassword("alice", "alice-pw");
  await store.close();
  site = await startSite(`${LOAD_TEST_PROVIDER}\nDocumentRoot @DIR@/www\n<Location /private>\n  AuthType Basic\n  AuthName x\n  TestAuthProvider tsmod\n  Require valid-user\n</Location>\n`, {}, dir);
});
afterAll(() => site?.close());

test("1,000 wrong passwords do not stop other clients' requests (hashing is off the event loop)", async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  const attempt = (i: number) =>
    new Promise<number>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: site.port, path: "/private/x.txt", agent, headers: basic("alice", `guess-${i}`) }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        })
        .on("error", reject);
    });
  let attackDone = false;
  const started = Date.now();
  const attack = Promise.all(Array.from({ length: 1000 }, (_, i) => attempt(i))).finally(() => (attackDone = true));

  // Another client, one request after the other, for as long as the attack runs.
  const latencies: number[] = [];
  while (!attackDone) {
    const t = Date.now();
    const r = await request(site, "/public.txt");
    expect(r.body).toBe("public\n");
    latencies.push(Date.now() - t);
  }
  const statuses = await attack;
  agent.destroy();
  expect(statuses.every((s) => s === 401)).toBe(true);
  const attackMs = Date.now() - started;
  // The attack took a while, and the other client was answered throughout it, never left waiting
  // for the hashes (bounds loose enough for a loaded 2-core machine).
  expect(attackMs).toBeGreaterThan(300);
  expect(latencies.length).toBeGreaterThan(10);
  expect(Math.max(...latencies)).toBeLessThan(Math.max(2000, attackMs / 4));
  // The right password still works at once, without waiting behind a queue of hashes.
  expect((await request(site, "/private/x.txt", { headers: basic("alice", "alice-pw") })).status).toBe(200);
}, 60_000);
