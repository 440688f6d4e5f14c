/*
 * Errors a person can act on (issue 23): each message below names what to do about it.
 */
import { request, startSite, type TestSite } from "../helpers/site";

const FILES = {
  "package.json": `{ "private": true }\n`,
  "app/nofn.ts": `import { OK } from "tsmod";
export function handle(): number { return OK; }
export function other(): number { return OK; }
export const notAFunction = 1;
`,
  "app/needs-package.ts": `import { thing } from "@acme/not-installed/sub";
export function handler(): number { return thing; }
`,
  "app/setters.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  if (req.args === "type") req.contentType = 42 as unknown as string;
  if (req.args === "status") req.status = "200" as unknown as number;
  if (req.args === "user") req.user = { name: "x" } as unknown as string;
  await req.write("set");
  return OK;
}
`,
  "app/throws.ts": `export function handler(): number {
  return helper();
}
function helper(): number {
  throw new Error("handler failed on purpose");
}
`,
  "api/index.ts": `export function greet(name = "world"): string { return "hi " + name; }
export function _private(): string { return "no"; }
export const shop = { basket(): string { return "basket"; } };
`,
};

const CONFIG = `
<Location /nofn>
  SetHandler tsmod
  TsHandler app/nofn
</Location>
<Location /needs-package>
  SetHandler tsmod
  TsHandler app/needs-package
</Location>
<Location /setters>
  SetHandler tsmod
  TsHandler app/setters
</Location>
<Location /throws>
  SetHandler tsmod
  TsHandler app/throws
</Location>
Alias /api @DIR@/api
<Directory @DIR@/api>
  SetHandler tsmod
  TsHandler tsmod/publisher
</Directory>
`;

describe("at the default LogLevel", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(CONFIG, FILES);
  });
  afterAll(() => site.close());

  test("a missing handler function: did you mean, and what the module does export", async () => {
    expect((await request(site, "/nofn")).status).toBe(500);
    const entry = site.log.find((l) => l.includes("app/nofn")) ?? "";
    expect(entry).toContain("TsmodError: module 'app/nofn' contains no 'handler' (did you mean 'handle'?); it exports 'handle', 'other'\n");
    // A deliberate report of tsmod's: its message is the point, tsmod's frames are not.
    expect(entry).not.toMatch(/[/\\]platform[/\\]/);
  });

  test("a package that is not installed: which one to npm install, and where", async () => {
    expect((await request(site, "/needs-package")).status).toBe(500);
    expect(site.log.join("\n")).toContain(`cannot find package '@acme/not-installed' imported by ${site.dir}/app/needs-package.ts: run \`npm install @acme/not-installed\` in ${site.dir}`);
  });

  test.each([
    ["type", "TypeError: req.contentType must be a string or null, not number 42"],
    ["status", `TypeError: req.status must be an HTTP status: an integer from 100 to 999, not string "200"`],
    ["user", "TypeError: req.user must be a string or null, not [object Object]"],
  ])("a Request setter given the wrong type (%s) throws a TypeError that says why", async (what, message) => {
    const reply = await request(site, `/setters?${what}`);
    expect(reply.status).toBe(500);
    expect(reply.headers["content-type"]).not.toBe("42");
    expect(site.log.join("\n")).toContain(message);
  });

  test("a publisher typo is a 404 whose reason is logged at warn, with did you mean", async () => {
    expect((await request(site, "/api/gret?name=x")).status).toBe(404);
    expect((await request(site, "/api/shop/baskt")).status).toBe(404);
    const log = site.log.join("\n");
    expect(log).toMatch(/\[tsmod:warn\] .* publisher: index\.ts: gret: refused by rule 'not-exported' \(the module exports no such name\); did you mean 'greet'\?/);
    expect(log).toContain("publisher: index.ts: shop/baskt: refused by rule 'not-a-member' (neither an own property nor a class method); did you mean 'basket'?");
  });

  test("a logged stack keeps the handler's frames and leaves out tsmod's own", async () => {
    expect((await request(site, "/throws")).status).toBe(500);
    const text = site.log.find((l) => l.includes("handler failed on purpose")) ?? "";
    expect(text).toContain(`at helper (${site.dir}/app/throws.ts:5:`);
    expect(text).toContain(`at handler (${site.dir}/app/throws.ts:2:`);
    expect(text).toMatch(/\(\d+ frames? of tsmod and Node\.js left out; LogLevel debug shows them\)/);
    expect(text).not.toMatch(/[/\\]platform[/\\]/);
  });
});

test("at LogLevel debug a logged stack is whole", async () => {
  const site = await startSite(`LogLevel debug\n${CONFIG}`, FILES);
  try {
    expect((await request(site, "/throws")).status).toBe(500);
    const text = site.log.join("\n");
    expect(text).toContain("handler failed on purpose");
    expect(text).toMatch(/[/\\]platform[/\\]phases[/\\]/);
    expect(text).not.toContain("left out");
  } finally {
    await site.close();
  }
});
