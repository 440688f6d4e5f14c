import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { serve, type Served } from "../helpers/cli";
import { rawRequest } from "../helpers/raw-http";
import { request, startSite, waitFor, writeTree, type TestSite } from "../helpers/site";

// The module object fs.WriteStream and fs.ReadStream open files through: a spy on it is a
// file system that fails or stalls on demand.
import realFs = require("node:fs");
// The module object the server makes its listeners with.
import http = require("node:http");

const files = {
  "app/up.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  const form = await req.form();
  const out: string[] = [];
  for (const e of form) {
    if (!("filename" in e)) out.push(\`\${e.name}=\${e.value}\`);
    else if (req.args !== "stream") out.push(\`\${e.name}:\${e.size}\`);
    else {
      let n = 0;
      for await (const chunk of e.stream()) n += (chunk as Buffer).length;
      out.push(\`\${e.name}:\${n} read\`);
    }
  }
  await req.write(out.join(","));
  return OK;
}
`,
};

// Timeout is long: nothing here may wait for it to release a request.
const config = `ServerName forms.robust
DocumentRoot @DIR@
Timeout 60
LogLevel info
TsOption tsmod.form.tmp_dir @DIR@/uploads
<Location /up>
  SetHandler tsmod
  TsHandler app/up
</Location>`;

const B = "XB";
const MULTIPART = `multipart/form-data; boundary=${B}`;
const FILE_PART = `--${B}\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\n`;
/** Issue 17's body: the closing delimiter, then a field, then a file part that never ends. */
const STALLER = Buffer.from(`--${B}--\r\n--${B}\r\nContent-Disposition: form-data; name="t"\r\n\r\nv\r\n${FILE_PART}AAAA`);
const UPLOAD = Buffer.from(`${FILE_PART}hello\r\n--${B}--\r\n`);

function head(contentLength: number): string {
  return `POST /up HTTP/1.1\r\nHost: forms.robust\r\nContent-Type: ${MULTIPART}\r\nContent-Length: ${contentLength}\r\n\r\n`;
}

/** This process's open file descriptors (client and server share it). */
function openFds(): number {
  return fs.readdirSync("/proc/self/fd").length;
}

/**
 * Connects, sends `payload` and goes away as soon as it is on the wire, without waiting for an
 * answer; resolves once the connection is closed.
 */
function sendAndLeave(port: number, payload: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.end(payload, () => socket.destroy()));
    socket.on("error", () => undefined);
    socket.once("close", () => resolve());
  });
}

function uploadsOf(site: TestSite): string[] {
  const dir = path.join(site.dir, "uploads");
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** Makes `fs.open` fail with `code` for the paths `match` accepts, as a process out of descriptors does. */
function failOpens(match: (file: string) => boolean, code: "EMFILE" | "ENFILE"): void {
  const open = realFs.open;
  jest.spyOn(realFs, "open").mockImplementation(((...args: unknown[]) => {
    const file = String(args[0]);
    const callback = args[args.length - 1] as (err: NodeJS.ErrnoException | null, fd?: number) => void;
    if (!match(file)) return (open as (...a: unknown[]) => void)(...args);
    const err: NodeJS.ErrnoException = Object.assign(new Error(`${code}: too many open files, open '${file}'`), { code, syscall: "open", path: file });
    process.nextTick(callback, err);
  }) as typeof realFs.open);
}

describe("multipart requests that stall or fail hold nothing", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(config, files);
  });
  afterAll(() => site.close());
  afterEach(() => jest.restoreAllMocks());

  test("the issue's body is answered at once: its epilogue is ignored, no file is opened", async () => {
    const r = await rawRequest(site.port, Buffer.concat([Buffer.from(head(STALLER.length).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")), STALLER]));
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe("");
    expect(uploadsOf(site)).toEqual([]);
  });

  test("a multipart body that ends inside a file part is a 400 at once", async () => {
    const body = Buffer.from(`${FILE_PART}AAAA`);
    const r = await rawRequest(site.port, Buffer.concat([Buffer.from(head(body.length)), body]));
    expect(r.status).toBe(400);
    expect(r.text).toContain("ended before its closing delimiter");
    await waitFor(() => uploadsOf(site).length === 0);
  });

  const linux = process.platform === "linux" ? test : test.skip;
  linux("hundreds of stalling requests whose clients go away leave no descriptor and no temporary file", async () => {
    // Warm up (handler compiled, uploads folder made) so that only the requests below count.
    expect((await request(site, "/up", { headers: { "content-type": MULTIPART }, body: UPLOAD })).body).toBe("f:5");
    await waitFor(() => uploadsOf(site).length === 0);
    const before = openFds();

    const truncated = Buffer.concat([Buffer.from(head(UPLOAD.length + 100_000)), Buffer.from(FILE_PART), Buffer.alloc(2000, "x")]);
    const stallers = Buffer.concat([Buffer.from(head(STALLER.length)), STALLER]);
    const clients: Array<Promise<void>> = [];
    for (let i = 0; i < 300; i++) clients.push(sendAndLeave(site.port, i % 3 === 0 ? truncated : stallers));
    await Promise.all(clients);

    await waitFor(() => uploadsOf(site).length === 0 && openFds() <= before, 10_000);
    const r = await request(site, "/up", { headers: { "content-type": MULTIPART }, body: UPLOAD });
    expect(r.status).toBe(200);
    expect(r.body).toBe("f:5");
  });

  linux("a client that goes away once its body is in aborts the form at once, while the upload is still being written", async () => {
    expect((await request(site, "/up", { headers: { "content-type": MULTIPART }, body: UPLOAD })).body).toBe("f:5");
    await waitFor(() => uploadsOf(site).length === 0);
    const uploads = path.join(site.dir, "uploads");
    // A disk that has not opened the upload's file yet: the whole (small) body is in, the
    // form is waiting for the file system only.
    const held: Array<() => void> = [];
    const uploadFds = new Set<number>();
    let uploadWrites = 0;
    const { open, write, writev } = realFs;
    jest.spyOn(realFs, "open").mockImplementation(((...args: unknown[]) => {
      if (!String(args[0]).startsWith(uploads)) return (open as (...a: unknown[]) => void)(...args);
      const callback = args.pop() as (err: Error | null, fd: number) => void;
      held.push(() => (open as (...a: unknown[]) => void)(...args, (err: Error | null, fd: number) => {
        if (!err) uploadFds.add(fd);
        callback(err, fd);
      }));
    }) as typeof realFs.open);
    const counted = <F extends (fd: number, ...rest: never[]) => void>(real: F) =>
      ((fd: number, ...rest: never[]) => {
        if (uploadFds.has(fd)) uploadWrites++;
        return real(fd, ...rest);
      }) as unknown as F;
    jest.spyOn(realFs, "write").mockImplementation(counted(write as (fd: number, ...rest: never[]) => void) as unknown as typeof realFs.write);
    jest.spyOn(realFs, "writev").mockImplementation(counted(writev as (fd: number, ...rest: never[]) => void) as unknown as typeof realFs.writev);
    const before = openFds();
    const logged = site.log.length;

    const client = net.connect(site.port, "127.0.0.1");
    client.on("error", () => undefined);
    client.write(Buffer.concat([Buffer.from(head(UPLOAD.length)), UPLOAD]));
    await waitFor(() => held.length === 1);
    client.destroy();
    // Both ends of the connection are closed: the server has seen the client go.
    await waitFor(() => openFds() <= before);
    for (const release of held) release();

    // Logged once the form has given up, which waits for the open and the close of its file.
    await waitFor(() => site.log.slice(logged).some((line) => line.includes("the client closed the connection before the form was read")));
    await waitFor(() => uploadsOf(site).length === 0 && openFds() <= before);
    // The file was opened late, and closed without a byte written to it.
    expect(uploadFds.size).toBe(1);
    expect(uploadWrites).toBe(0);
  });

  test.each(["EMFILE", "ENFILE"] as const)("no descriptor for the temporary file (%s): 503 with the reason, nothing left behind", async (code) => {
    const uploads = path.join(site.dir, "uploads");
    failOpens((file) => file.startsWith(uploads), code);
    const r = await request(site, "/up", { headers: { "content-type": MULTIPART }, body: UPLOAD });
    expect(r.status).toBe(503);
    const who = code === "EMFILE" ? "the server process" : "the system";
    expect(r.body).toContain(`cannot open a temporary file for an upload: ${who} has reached its open file limit (${code}); try again later`);
    expect(site.log.join("\n")).toMatch(new RegExp(`\\[tsmod:error\\].*its open file limit \\(${code}\\).*${code}: too many open files, open '${uploads}`));
    expect(uploadsOf(site)).toEqual([]);

    jest.restoreAllMocks();
    expect((await request(site, "/up", { headers: { "content-type": MULTIPART }, body: UPLOAD })).body).toBe("f:5");
  });

  test("no descriptor for a file a handler opens (an upload's stream()): 503 with the reason", async () => {
    const uploads = path.join(site.dir, "uploads");
    // The upload itself is written (flag "wx"); reading it back fails.
    const open = realFs.open;
    jest.spyOn(realFs, "open").mockImplementation(((...args: unknown[]) => {
      if (String(args[0]).startsWith(uploads) && args[1] === "r") {
        const callback = args[args.length - 1] as (err: NodeJS.ErrnoException) => void;
        process.nextTick(callback, Object.assign(new Error("EMFILE: too many open files"), { code: "EMFILE" }));
        return;
      }
      return (open as (...a: unknown[]) => void)(...args);
    }) as typeof realFs.open);
    const r = await request(site, "/up?stream", { headers: { "content-type": MULTIPART }, body: UPLOAD });
    expect(r.status).toBe(503);
    expect(r.body).toContain("cannot open a file: the server process has reached its open file limit (EMFILE); try again later");
    await waitFor(() => uploadsOf(site).length === 0);
  });
});

describe("temporary files of requests still running when the server stops", () => {
  const siteFiles = {
    ...files,
    // Reads the form, says so, and never returns: its FieldStorage is never disposed.
    "app/hang.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  const form = await req.form();
  await req.write(\`parsed \${form.list.length}\\n\`);
  await req.flush();
  await new Promise(() => undefined);
  return OK;
}
`,
  };

  /** A `tsmod serve` child with a request parked in app/hang holding one upload. */
  async function serverWithParkedUpload(): Promise<{ served: Served; uploads: string; client: net.Socket }> {
    const dir = writeTree(siteFiles);
    const conf = path.join(dir, "tsmod.conf");
    // A stop waits for requests as long as GracefulShutdownTimeout allows (no limit by default):
    // one second, so the stop outwaits the parked handler and cuts it.
    fs.writeFileSync(conf, `Listen 127.0.0.1:0\nGracefulShutdownTimeout 1\n${config.replace(/@DIR@/g, dir)}\n<Location /hang>\n  SetHandler tsmod\n  TsHandler app/hang\n</Location>\n`);
    const served = await serve(conf);
    const client = net.connect(Number(new URL(served.urls[0]).port), "127.0.0.1");
    client.on("error", () => undefined);
    let answer = "";
    client.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    client.write(Buffer.concat([Buffer.from(head(UPLOAD.length).replace("/up", "/hang")), UPLOAD]));
    await waitFor(() => answer.includes("parsed 1"), 10_000);
    const uploads = path.join(dir, "uploads");
    expect(fs.readdirSync(uploads)).toHaveLength(1);
    return { served, uploads, client };
  }

  /** Resolves once `port` refuses connections (the server has stopped listening). */
  async function untilRefused(port: number): Promise<void> {
    const refused = () =>
      new Promise<boolean>((resolve) => {
        const probe = net.connect(port, "127.0.0.1");
        probe.once("connect", () => {
          probe.destroy();
          resolve(false);
        });
        probe.once("error", () => resolve(true));
      });
    const until = Date.now() + 5000;
    while (!(await refused())) {
      if (Date.now() > until) throw new Error(`port ${port} still accepts connections`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test("SIGTERM: the stop waits out GracefulShutdownTimeout, then the upload is removed as the process exits", async () => {
    const { served, uploads, client } = await serverWithParkedUpload();
    expect(await served.stop("SIGTERM")).toBe(0);
    client.destroy();
    expect(fs.readdirSync(uploads)).toEqual([]);
  }, 30_000);

  test("a second SIGTERM (stop at once) removes it too", async () => {
    const { served, uploads, client } = await serverWithParkedUpload();
    const exited = new Promise<number | null>((resolve) => served.child.once("exit", (code) => resolve(code)));
    served.child.kill("SIGTERM");
    // Signals of one kind do not queue: the second is sent once the first has been acted on.
    await untilRefused(Number(new URL(served.urls[0]).port));
    served.child.kill("SIGTERM");
    expect(await exited).toBe(1);
    client.destroy();
    expect(fs.readdirSync(uploads)).toEqual([]);
  });
});

const onLinux = process.platform === "linux" ? describe : describe.skip;
onLinux("a server out of file descriptors (ulimit -n)", () => {
  const port = (served: Served) => Number(new URL(served.urls[0]).port);

  /** One request on a new connection: the answer's head, or null when the server closed it unanswered. */
  function exchange(p: number, payload: string | Buffer, keep: net.Socket[] = []): Promise<string | null> {
    return new Promise((resolve) => {
      const socket = net.connect(p, "127.0.0.1", () => socket.write(payload));
      let answer = "";
      socket.on("error", () => undefined);
      socket.on("data", (d: Buffer) => {
        answer += d.toString("latin1");
        if (!answer.includes("\r\n\r\n")) return;
        socket.removeAllListeners("close");
        keep.push(socket);
        resolve(answer);
      });
      socket.once("close", () => resolve(null));
    });
  }

  /** `exchange`, again while the server closes the connection unanswered (it has no descriptor for it yet). */
  async function answered(p: number, payload: string | Buffer, keep: net.Socket[]): Promise<string> {
    const until = Date.now() + 5000;
    for (;;) {
      const answer = await exchange(p, payload, keep);
      if (answer !== null) return answer;
      if (Date.now() > until) throw new Error("the server kept closing connections unanswered");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test("an upload that finds no descriptor for its temporary file is a 503 with the reason; the server goes on", async () => {
    const dir = writeTree(files);
    const conf = path.join(dir, "tsmod.conf");
    fs.writeFileSync(conf, `Listen 127.0.0.1:0\nKeepAliveTimeout 60\n${config.replace(/@DIR@/g, dir)}\n`);
    const served = await serve(conf, [], 1, { fdLimit: 64 });
    const uploads = path.join(dir, "uploads");
    const upload = Buffer.concat([Buffer.from(head(UPLOAD.length)), UPLOAD]);
    const open: net.Socket[] = [];
    try {
      expect(await exchange(port(served), upload, open)).toMatch(/^HTTP\/1\.1 200 /);
      open.pop()!.destroy();
      const fds = () => fs.readdirSync(`/proc/${served.child.pid}/fd`).length;
      await waitFor(() => fds() <= 64);
      const baseline = fds();

      // Idle keep-alive connections until the server has no descriptor left for another one.
      while ((await exchange(port(served), "GET /up?a=1 HTTP/1.1\r\nHost: forms.robust\r\n\r\n", open)) !== null);
      expect(open.length).toBeGreaterThan(0);
      // One freed: enough for the upload's connection, none for its temporary file.
      open.pop()!.destroy();
      const refused = await answered(port(served), upload, open);
      expect(refused).toMatch(/^HTTP\/1\.1 503 /);
      expect(refused).toContain("cannot open a temporary file for an upload: the server process has reached its open file limit (EMFILE); try again later");

      for (const socket of open.splice(0)) socket.destroy();
      expect(await answered(port(served), upload, open)).toMatch(/^HTTP\/1\.1 200 [^]*f:5$/);
      for (const socket of open.splice(0)) socket.destroy();
      // The last upload's file goes once its request has ended, just after the answer.
      await waitFor(() => fds() <= baseline && fs.readdirSync(uploads).length === 0);
      expect(served.output()).toContain("[tsmod:error]");
    } finally {
      for (const socket of open) socket.destroy();
      expect(await served.stop()).toBe(0);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("a failed accept (no descriptor for the connection) is logged, and the server goes on", async () => {
  const created = jest.spyOn(http, "createServer");
  const site = await startSite(config, files);
  try {
    const listener = created.mock.results[0].value as http.Server;
    created.mockRestore();
    // What net.Server reports when libuv could not accept a connection.
    listener.emit("error", Object.assign(new Error("accept EMFILE"), { code: "EMFILE", errno: -24, syscall: "accept" }));
    expect(site.log.join("\n")).toMatch(/\[tsmod:error\].*accepting a connection failed: accept EMFILE/);
    expect((await request(site, "/up?a=1")).body).toBe("a=1");
  } finally {
    await site.close();
  }
});
