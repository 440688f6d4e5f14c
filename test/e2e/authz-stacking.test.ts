/*
 * Several TsAuthzHandlers in one section stack as mod_python's auth_checker (RUN_FIRST): the
 * first OK grants and ends the phase, DECLINED passes on, any other status is the answer.
 * Each handler adds its name to a response header, so the test sees which ones ran.
 */
import { request, startSite, type TestSite } from "../helpers/site";

const files = {
  "app/authz.ts": `import { DECLINED, HTTP_FORBIDDEN, OK, type Request } from "tsmod";
// err_headers_out go out with error pages and normal responses alike.
function ran(req: Request, name: string): void {
  req.errHeadersOut.add("X-Authz", name);
}
export function authenhandler(req: Request): number {
  req.getBasicAuthPw();
  return req.user ? OK : DECLINED;
}
export function grant(req: Request): number { ran(req, "grant"); return OK; }
export function pass(req: Request): number { ran(req, "pass"); return DECLINED; }
export function forbid(req: Request): number { ran(req, "forbid"); return HTTP_FORBIDDEN; }
export async function handler(req: Request): Promise<number> {
  await req.write("content for " + req.user);
  return OK;
}
`,
};

/** Every location needs a user that no \`Require\` line accepts by itself: only authz lets bob in. */
const section = (path: string, authz: string) => `<Location ${path}>
  SetHandler tsmod
  TsHandler app/authz
  AuthType Basic
  AuthName stack
  Require user alice
  TsAuthenHandler app/authz
  TsAuthzHandler ${authz}
</Location>`;

const config = `ServerName authz.test
DocumentRoot @DIR@
${section("/ok-first", "app/authz::grant app/authz::forbid")}
${section("/declined-first", "app/authz::pass app/authz::grant app/authz::forbid")}
${section("/forbidden-first", "app/authz::forbid app/authz::grant")}
${section("/all-decline", "app/authz::pass app/authz::pass")}`;

const bob = { Authorization: "Basic " + Buffer.from("bob:pw").toString("base64") };

describe("TsAuthzHandler stacking (mod_python: continue only on DECLINED)", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(config, files);
  });
  afterAll(() => site.close());

  test("OK ends the phase: the handlers after it do not run", async () => {
    const r = await request(site, "/ok-first", { headers: bob });
    expect([r.status, r.headers["x-authz"], r.body]).toEqual([200, "grant", "content for bob"]);
  });

  test("DECLINED passes on to the next handler, whose OK grants", async () => {
    const r = await request(site, "/declined-first", { headers: bob });
    expect([r.status, r.headers["x-authz"], r.body]).toEqual([200, "pass, grant", "content for bob"]);
  });

  test("a status ends the phase and is the answer", async () => {
    const r = await request(site, "/forbidden-first", { headers: bob });
    expect([r.status, r.headers["x-authz"]]).toEqual([403, "forbid"]);
  });

  test("when all decline, the Require lines decide: bob is not alice", async () => {
    const r = await request(site, "/all-decline", { headers: bob });
    expect([r.status, r.headers["x-authz"]]).toEqual([401, "pass, pass"]);
  });
});
