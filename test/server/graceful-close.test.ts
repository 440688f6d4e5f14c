import { RawClient } from "../helpers/raw-client";
import { startSite, type TestSite } from "../helpers/site";

/**
 * `/echo` answers "got N" for an N-byte body; `/echo?stream` sends its headers (promising
 * keep-alive) before it reads the body, so its response is under way while the body arrives.
 */
const files = {
  "app/echo.ts": `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  req.contentType = "text/plain";
  if (req.args === "stream") {
    await req.write("streaming;");
    await req.flush();
  }
  const body = await req.read();
  await req.write("got " + body.length);
  return OK;
}
`,
};

function configText(extra = ""): string {
  return `${extra}
<Location /echo>
  SetHandler tsmod
  TsHandler app/echo
</Location>`;
}

const POST = (body: string, query = "") => `POST /echo${query} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe("TsmodServer.close: a graceful stop answers every request already sent", () => {
  let site: TestSite;
  afterEach(() => site.close());

  test("connections still in the listener's backlog at the stop are accepted and answered, with Connection: close", async () => {
    site = await startSite(configText(), files);
    // Connected by the kernel before the stop, accepted by nobody yet: nothing polls until the close is under way.
    const clients = Array.from({ length: 20 }, () => new RawClient(site.port));
    for (const c of clients) c.sock.write(POST("abc"));
    await new Promise((resolve) => process.nextTick(resolve));
    const closed = site.server.close(5000);
    const outcomes = await Promise.all(
      clients.map((c) =>
        c.response().then(
          (r) => `${r.status} ${r.headers.connection} ${r.body.toString()}`,
          // Refused: the connection never existed, so no request was sent on it.
          (e: Error) => (/ECONNREFUSED/.test(e.message) ? "refused" : e.message),
        ),
      ),
    );
    await closed;
    const answered = outcomes.filter((o) => o !== "refused");
    expect(answered.length).toBeGreaterThan(0);
    expect(answered).toEqual(answered.map(() => "200 close got 3"));
  });

  test("a connection accepted before the stop whose request comes after it gets its answer", async () => {
    site = await startSite(configText(), files);
    const fresh = new RawClient(site.port);
    await fresh.connected;
    // Accepted in order: once a later connection is answered, the fresh one has been accepted too.
    const later = new RawClient(site.port);
    later.sock.write(POST("x"));
    await later.response();
    const closed = site.server.close(5000);
    fresh.sock.write(POST("hello"));
    const r = await fresh.response();
    expect([r.status, r.headers.connection, r.body.toString()]).toEqual([200, "close", "got 5"]);
    await fresh.closed;
    await closed;
  });

  test("an idle keep-alive connection: a request within the linger is answered with Connection: close; after it the connection is closed", async () => {
    site = await startSite(configText(), files);
    const busy = new RawClient(site.port);
    const idle = new RawClient(site.port);
    for (const c of [busy, idle]) {
      c.sock.write(POST("1"));
      expect((await c.response()).headers.connection).toBe("keep-alive");
    }
    const closed = site.server.close(5000, { idleLingerMs: 300 });
    busy.sock.write(POST("22"));
    const r = await busy.response();
    expect([r.status, r.headers.connection, r.body.toString()]).toEqual([200, "close", "got 2"]);
    const started = Date.now();
    await idle.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await closed;
  });

  test("a response that promised keep-alive before the stop: its connection lingers from the response's end", async () => {
    site = await startSite(configText(), files);
    const streaming = new RawClient(site.port);
    const idle = new RawClient(site.port);
    idle.sock.write(POST("1"));
    await idle.response();
    streaming.sock.write(`POST /echo?stream HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na`);
    await streaming.headers();
    const closed = site.server.close(5000, { idleLingerMs: 300 });
    // The stop's own linger is over once the idle connection has been closed.
    await idle.closed;
    streaming.sock.write("bc");
    const first = await streaming.response();
    expect([first.headers.connection, first.body.toString()]).toEqual(["keep-alive", "streaming;got 3"]);
    // A client may send its next request any time within the linger, not only at once.
    await new Promise((resolve) => setTimeout(resolve, 100));
    streaming.sock.write(POST("four"));
    const next = await streaming.response();
    expect([next.status, next.headers.connection, next.body.toString()]).toEqual([200, "close", "got 4"]);
    await closed;
  });

  test("GracefulShutdownTimeout bounds the stop: a request still running then is cut", async () => {
    site = await startSite(configText("GracefulShutdownTimeout 300ms"), files);
    const hanging = new RawClient(site.port);
    hanging.sock.write(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc`);
    await waitUntilRunning(site);
    const started = Date.now();
    await site.server.close();
    await hanging.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await expect(hanging.response()).rejects.toThrow(/without a complete response/);
  });

  test("GracefulShutdownTimeout 0 (the default) sets no bound: the stop waits for the request, however long", async () => {
    site = await startSite(configText(), files);
    const slow = new RawClient(site.port);
    const idle = new RawClient(site.port);
    idle.sock.write(POST("1"));
    await idle.response();
    slow.sock.write(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc`);
    await waitUntilRunning(site);
    let stopped = false;
    const closed = site.server.close(undefined, { idleLingerMs: 200 }).then(() => (stopped = true));
    await idle.closed;
    expect(stopped).toBe(false);
    slow.sock.write("def");
    const r = await slow.response();
    expect([r.status, r.headers.connection, r.body.toString()]).toEqual([200, "close", "got 6"]);
    await closed;
  });
});

/**
 * Waits until a request sent before is running: connections are accepted and their requests
 * started in order, so once a later request is answered, the earlier one is in the handler.
 */
async function waitUntilRunning(site: TestSite): Promise<void> {
  const probe = new RawClient(site.port);
  probe.sock.write(`GET /none HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  await probe.response();
}
