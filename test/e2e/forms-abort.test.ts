import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { request, startSite, waitFor, type TestSite } from "../helpers/site";

const files = {
  "app/upload.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request) {
  const form = await req.form();
  const file = form.getfirst("file");
  await req.write(typeof file === "object" && file ? \`\${file.filename} \${file.size}\` : "no file");
  return OK;
}
`,
};

const config = `ServerName abort.test
DocumentRoot @DIR@
TsOption tsmod.form.tmp_dir @DIR@/uploads
<Location /upload>
  SetHandler tsmod
  TsHandler app/upload
</Location>`;

const BOUNDARY = "AbortBoundary";
const PREAMBLE = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;

/** The upload folder's entries; tsmod creates the folder on the first form it parses. */
function filesIn(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe("an upload aborted mid-body", () => {
  let site: TestSite;
  let uploads: string;
  beforeAll(async () => {
    site = await startSite(config, files);
    uploads = path.join(site.dir, "uploads");
  });
  afterAll(() => site.close());

  test("leaves no temporary file behind, and the server keeps serving", async () => {
    const socket = net.connect(site.port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(
      `POST /upload HTTP/1.1\r\nHost: abort.test\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
        `Content-Length: 10000000\r\n\r\n`,
    );
    socket.write(PREAMBLE);
    socket.write(Buffer.alloc(256 * 1024, "x"));
    // The upload has really begun: its temporary file exists.
    await waitFor(() => filesIn(uploads).length === 1);
    socket.destroy();

    await waitFor(() => filesIn(uploads).length === 0);

    const body = `${PREAMBLE}hello\r\n--${BOUNDARY}--\r\n`;
    const r = await request(site, "/upload", {
      host: "abort.test",
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
      body,
    });
    expect(r.status).toBe(200);
    expect(r.body).toBe("big.bin 5");
    await waitFor(() => filesIn(uploads).length === 0);
  });
});
