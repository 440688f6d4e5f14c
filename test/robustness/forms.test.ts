import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { rawRequest } from "../helpers/raw-http";
import { request, startSite, waitFor, type TestSite } from "../helpers/site";

// The module object fs.WriteStream and fs.ReadStream open files through: a spy on it is a
// file system that fails or stalls on demand.
import realFs = require("node:fs");

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
});

