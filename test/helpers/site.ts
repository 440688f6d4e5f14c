import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startServer, type TsmodServer } from "../../index";
import { request as testRequest, type TestReply, type TestRequestOptions } from "../../handlers/testing";

export interface TestSite {
  readonly dir: string;
  readonly url: string;
  readonly port: number;
  readonly server: TsmodServer;
  /** Error-log lines written so far. */
  readonly log: string[];
  close(): Promise<void>;
}

/** Writes `files` (relative path → content) into a fresh temporary folder. */
export function writeTree(files: Record<string, string>, dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-test-"))): string {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/**
 * Starts a real server on a free port for a configuration text (written as `tsmod.conf`
 * beside `files`). `@DIR@` in the configuration stands for the site folder.
 */
export async function startSite(config: string, files: Record<string, string> = {}, dir?: string, options: { defines?: string[] } = {}): Promise<TestSite> {
  const root = writeTree(files, dir);
  const confFile = path.join(root, "tsmod.conf");
  const text = config.replace(/@DIR@/g, root);
  fs.writeFileSync(confFile, /^\s*Listen\b/im.test(text) ? text : `Listen 127.0.0.1:0\n${text}`);
  const log: string[] = [];
  const server = await startServer(confFile, { errorLog: (line: string) => log.push(line), defines: options.defines });
  const url = server.urls()[0];
  return {
    dir: root,
    url,
    port: Number(new URL(url).port),
    server,
    log,
    close: async () => {
      await server.close(1000);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export type { TestReply as Reply, TestRequestOptions as RequestOptions } from "../../handlers/testing";

/**
 * One HTTP request over a fresh connection, with full control of the headers (Host too): the
 * package's own test helper, with the body as latin1 so tests can compare it byte for byte.
 */
export async function request(site: { port: number }, pathAndQuery: string, opts: TestRequestOptions = {}): Promise<TestReply> {
  const reply = await testRequest(site, pathAndQuery, opts);
  return { ...reply, body: reply.raw.toString("latin1") };
}

/** Waits until `predicate` holds (checked every 10 ms), failing after `ms`. */
export async function waitFor(predicate: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
