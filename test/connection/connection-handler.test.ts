/*
 * TsConnectionHandler over raw TCP (mod_python's PythonConnectionHandler, test group N): a
 * line-based echo protocol and an SMTP-like dialogue on a <VirtualHost>'s own Listen address,
 * while the main address goes on answering HTTP.
 */
import * as net from "node:net";
import * as path from "node:path";
import { configErrors, loadConfig } from "../helpers/config";
import { request, startSite, writeTree, type TestSite } from "../helpers/site";

const EXAMPLES = path.join(__dirname, "../../examples/connection-handlers");

/** A client that reads the server's lines one at a time. */
class LineClient {
  private readonly sock: net.Socket;
  private data = "";
  private closed = false;
  private wake: () => void = () => undefined;
  readonly ended: Promise<void>;

  constructor(host: string, port: number) {
    this.sock = net.connect(port, host);
    this.sock.setEncoding("utf8");
    this.sock.on("data", (d: string) => {
      this.data += d;
      this.wake();
    });
    this.ended = new Promise((resolve) => this.sock.on("close", () => {
      this.closed = true;
      this.wake();
      resolve();
    }));
    this.sock.on("error", () => undefined);
  }

  async line(): Promise<string> {
    for (;;) {
      const nl = this.data.indexOf("\n");
      if (nl >= 0) {
        const line = this.data.slice(0, nl).replace(/\r$/, "");
        this.data = this.data.slice(nl + 1);
        return line;
      }
      if (this.closed) throw new Error(`connection closed; left: ${JSON.stringify(this.data)}`);
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  send(text: string): void {
    this.sock.write(text);
  }

  async ask(text: string): Promise<string> {
    this.send(`${text}\r\n`);
    return this.line();
  }
}

function portOf(site: TestSite, host: string): number {
  const url = site.server.urls().find((u) => u.includes(host));
  if (!url) throw new Error(`no listener on ${host}`);
  return Number(new URL(url).port);
}

describe("TsConnectionHandler", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite(
      `Listen 127.0.0.1:0
Listen 127.0.0.2:0
Listen 127.0.0.3:0
Listen 127.0.0.4:0
Listen 127.0.0.5:0
<VirtualHost 127.0.0.2>
  ServerName echo.test
  TsConnectionHandler ${EXAMPLES}/echo
</VirtualHost>
<VirtualHost 127.0.0.3>
  ServerName mail.test
  TsConnectionHandler ${EXAMPLES}/smtp
</VirtualHost>
<VirtualHost 127.0.0.4>
  ServerName declines.test
  DocumentRoot @DIR@/htdocs
  TsConnectionHandler conn::peekThenDecline
</VirtualHost>
<VirtualHost 127.0.0.5>
  ServerName broken.test
  TsConnectionHandler conn::broken
</VirtualHost>
`,
      {
        "htdocs/index.html": "plain http\n",
        "conn.ts": `import { DECLINED, type RawConnection } from "tsmod";
export async function peekThenDecline(conn: RawConnection) {
  // Takes a preamble line (as a PROXY-protocol reader would), then lets HTTP have the rest.
  const first = await conn.readline();
  conn.notes.set("preamble", first.toString());
  return DECLINED;
}
export async function broken(conn: RawConnection) {
  await conn.read(1);
  throw new Error("protocol failure " + conn.id);
}
`,
      },
    );
  });
  afterAll(() => site.close());

  test("the main address still speaks HTTP", async () => {
    const r = await request(site, "/index.html");
    expect(r.status).toBe(200);
    expect(r.body).toBe("plain http\n");
  });

  test("a line-based echo protocol", async () => {
    const c = new LineClient("127.0.0.2", portOf(site, "127.0.0.2"));
    expect(await c.line()).toBe("hello 127.0.0.1");
    expect(await c.ask("first line")).toBe("echo: first line");
    // Two lines in one packet, then a line split over two packets.
    c.send("a\r\nb\r\n");
    expect(await c.line()).toBe("echo: a");
    expect(await c.line()).toBe("echo: b");
    c.send("spl");
    c.send("it\r\n");
    expect(await c.line()).toBe("echo: split");
    expect(await c.ask("quit")).toBe("bye");
    await c.ended;
  });

  test("a client that hangs up ends the handler; the server goes on", async () => {
    const c = new LineClient("127.0.0.2", portOf(site, "127.0.0.2"));
    await c.line();
    c.send("no newline");
    (c as unknown as { sock: net.Socket }).sock.end();
    await c.ended;
    const again = new LineClient("127.0.0.2", portOf(site, "127.0.0.2"));
    expect(await again.line()).toBe("hello 127.0.0.1");
    expect(await again.ask("quit")).toBe("bye");
  });

  test("an SMTP-like dialogue", async () => {
    const c = new LineClient("127.0.0.3", portOf(site, "127.0.0.3"));
    expect(await c.line()).toMatch(/^220 mail\.test /);
    expect(await c.ask("MAIL FROM:<a@x>")).toBe("503 say HELO first");
    expect(await c.ask("HELO client.test")).toBe("250 hello client.test");
    expect(await c.ask("DATA")).toBe("503 need RCPT first");
    expect(await c.ask("MAIL FROM:<alice@example.org>")).toBe("250 OK");
    expect(await c.ask("RCPT TO:<bob@example.org>")).toBe("250 OK");
    expect(await c.ask("RCPT TO:<carol@example.org>")).toBe("250 OK");
    expect(await c.ask("DATA")).toMatch(/^354 /);
    c.send("Subject: hi\r\n\r\nline one\r\n..dotted\r\n.\r\n");
    expect(await c.line()).toBe("250 queued as 1");
    expect(await c.ask("NOOP")).toBe("500 unknown command 'NOOP'");
    expect(await c.ask("QUIT")).toBe("221 bye");
    await c.ended;
  });

  test("a handler that DECLINES hands the connection to HTTP with the bytes it did not take", async () => {
    const port = portOf(site, "127.0.0.4");
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, "127.0.0.4");
      let data = "";
      s.setEncoding("utf8");
      s.on("data", (d: string) => (data += d));
      s.on("end", () => resolve(data));
      s.on("error", reject);
      s.write("PREAMBLE 1.2.3.4\r\nGET /index.html HTTP/1.1\r\nHost: declines.test\r\nConnection: close\r\n\r\n");
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply).toMatch(/plain http\n$/);
  });

  test("a handler that throws is logged and costs that connection only", async () => {
    const c = new LineClient("127.0.0.5", portOf(site, "127.0.0.5"));
    c.send("x");
    await c.ended;
    expect(site.log.join("\n")).toMatch(/connection handler \(tsmod_handlers\): Error: protocol failure \d+/);
  });
});

describe("TsConnectionHandler in the configuration", () => {
  test("is a server-level directive: inside a section it is an error at its line", () => {
    const dir = writeTree({ "tsmod.conf": "Listen 127.0.0.1:0\n<Location /x>\n  TsConnectionHandler echo\n</Location>\n" });
    expect(configErrors(() => loadConfig(path.join(dir, "tsmod.conf")))).toEqual([expect.stringMatching(/^conf:3: .*TsConnectionHandler/)]);
  });

  test("a module that cannot be found is reported at load", () => {
    const dir = writeTree({ "tsmod.conf": "Listen 127.0.0.1:0\nTsConnectionHandler no/such/module\n" });
    expect(configErrors(() => loadConfig(path.join(dir, "tsmod.conf")))).toEqual([expect.stringMatching(/^conf:2: handler module 'no\/such\/module' not found/)]);
  });
});
