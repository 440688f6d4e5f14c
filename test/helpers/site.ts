import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { startServer, type TsmodServer } from "../../index";

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

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly raw: Buffer;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Sent as the Host header (port added unless it has one). */
  host?: string;
}

/** One HTTP request over a fresh connection, with full control of the headers (Host too). */
export function request(site: { port: number }, pathAndQuery: string, opts: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined && !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))) {
      headers["content-length"] = String(Buffer.byteLength(opts.body));
    }
    if (opts.host) headers.host = opts.host.includes(":") ? opts.host : `${opts.host}:${site.port}`;
    const req = http.request(
      { host: "127.0.0.1", port: site.port, path: pathAndQuery, method: opts.method ?? (opts.body !== undefined ? "POST" : "GET"), headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString("latin1"), raw });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Waits until `predicate` holds (checked every 10 ms), failing after `ms`. */
export async function waitFor(predicate: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
