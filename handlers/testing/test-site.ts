import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { TsmodServer, type ModuleSet } from "../../platform";

export interface TestSiteOptions {
  /**
   * The folder the configuration's relative paths (handler modules, DocumentRoot, Include)
   * resolve against: a site of one's own, left as it is. Default: a fresh temporary folder,
   * holding `files`, removed by `close()`.
   */
  readonly root?: string;
  /** Files (relative path → content) written into `root` before the start. */
  readonly files?: Readonly<Record<string, string>>;
  /** `-D NAME` defines, for `<IfDefine>`. */
  readonly defines?: readonly string[];
}

export interface TestRequestOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  /** The request body; POST unless `method` says otherwise. */
  body?: string | Buffer;
  /** Sent as the Host header (the site's port added unless it has one). */
  host?: string;
}

export interface TestReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The body decoded as UTF-8. */
  readonly body: string;
  readonly raw: Buffer;
}

export interface TestSite {
  /** `http://127.0.0.1:PORT`: the first Listen address. */
  readonly url: string;
  readonly port: number;
  /** The folder the configuration resolves against. */
  readonly root: string;
  /** The error-log lines written so far (the site's ErrorLog is not written to). */
  readonly log: string[];
  /** One request to the site over a fresh connection. */
  request(pathAndQuery: string, options?: TestRequestOptions): Promise<TestReply>;
  /** Stops the server (and removes the temporary root, if it made one). */
  close(): Promise<void>;
}

/**
 * A real server for a configuration text, listening on a free port of 127.0.0.1 unless the
 * text has a Listen line of its own: what a test of a site's handlers needs, over real HTTP.
 */
export async function startTestSiteWith(modules: ModuleSet, config: string, options: TestSiteOptions = {}): Promise<TestSite> {
  const ownRoot = options.root === undefined;
  const root = path.resolve(options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-test-site-")));
  for (const [rel, content] of Object.entries(options.files ?? {})) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  // The configuration lives outside `root`, so a site of one's own gets no stray file; its
  // ServerRoot line makes the paths in it resolve as if it were there.
  const confDir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-test-conf-"));
  const confFile = path.join(confDir, "tsmod.conf");
  const listen = /^\s*Listen\b/im.test(config) ? "" : "Listen 127.0.0.1:0\n";
  fs.writeFileSync(confFile, `ServerRoot "${root}"\n${listen}${config}\n`);
  const log: string[] = [];
  const removeFolders = () => {
    fs.rmSync(confDir, { recursive: true, force: true });
    if (ownRoot) fs.rmSync(root, { recursive: true, force: true });
  };
  let server: TsmodServer;
  try {
    server = await TsmodServer.start(confFile, { modules, defines: options.defines, errorLog: (line: string) => log.push(line) });
  } catch (e) {
    removeFolders();
    throw e;
  }
  const url = server.urls()[0];
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    root,
    log,
    request: (pathAndQuery, requestOptions) => request({ port }, pathAndQuery, requestOptions),
    close: async () => {
      await server.close(1000);
      removeFolders();
    },
  };
}

/** One HTTP request to 127.0.0.1:`port` over a fresh connection, with full control of the headers. */
export function request(site: { readonly port: number }, pathAndQuery: string, options: TestRequestOptions = {}): Promise<TestReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...(options.headers ?? {}) };
    if (options.body !== undefined && !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))) {
      headers["content-length"] = String(Buffer.byteLength(options.body));
    }
    if (options.host) headers.host = options.host.includes(":") ? options.host : `${options.host}:${site.port}`;
    const method = options.method ?? (options.body !== undefined ? "POST" : "GET");
    const req = http.request({ host: "127.0.0.1", port: site.port, path: pathAndQuery, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString("utf8"), raw });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
