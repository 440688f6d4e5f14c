import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSite, type TestSite } from "../helpers/site";

/**
 * A site whose app modules can import the frameworks tsmod's tests install (express, fastify,
 * koa, hono, ws): the site folder gets a `node_modules` link to the repository's.
 */
export function startAppSite(config: string, files: Record<string, string>): Promise<TestSite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-apps-"));
  fs.symlinkSync(path.resolve(__dirname, "../../node_modules"), path.join(dir, "node_modules"));
  return startSite(config, files, dir);
}

/** A TsAuthenHandler for Basic auth (bob:pw, carol:pw), the app's user coming from tsmod. */
export const AUTH_MODULE = `import { HTTP_UNAUTHORIZED, OK, type Request } from "tsmod";
export function authenhandler(req: Request) {
  const pw = req.getBasicAuthPw();
  return pw === "pw" && (req.user === "bob" || req.user === "carol") ? OK : HTTP_UNAUTHORIZED;
}
`;

export const basic = (user: string) => "Basic " + Buffer.from(`${user}:pw`).toString("base64");

/** A site's access-log lines so far (none before the log's first batch is written). */
export function accessLogLines(site: TestSite): string[] {
  const file = path.join(site.dir, "logs/access.log");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
}
