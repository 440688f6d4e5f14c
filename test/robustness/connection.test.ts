/*
 * Issue 17: nothing a client or a handler does takes the server down or leaves a connection
 * hanging. Each case replays an attack or a handler fault on real sockets against a real
 * server, then checks that the server still answers normal requests.
 */
import { rawExchange, statusOf } from "../helpers/raw-http";
import { request, startSite, type TestSite } from "../helpers/site";

const files = {
  "htdocs/hello.txt": "hello\n",
};

const config = `ServerName robust.test
DocumentRoot @DIR@/htdocs
Timeout 2
`;

let site: TestSite;
beforeAll(async () => {
  site = await startSite(config, files);
});
afterAll(() => site.close());

afterEach(async () => {
  const r = await request(site, "/hello.txt");
  expect([r.status, r.body]).toEqual([200, "hello\n"]);
});

/** The statuses of every response in a raw answer, in order. */
function statuses(text: string): number[] {
  return [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
}

describe("a pipelined request followed by an Upgrade in one packet", () => {
  test("the first request is answered, the upgrade gets a 400, the connection closes", async () => {
    const r = await rawExchange(
      site.port,
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
    );
    expect(statuses(r.text)).toEqual([200, 400]);
    expect(r.text).toContain("hello\n");
    expect(r.text).toContain("must not be pipelined");
    expect(r.closed).toBe(true);
  });

  test("behind two pipelined requests as well", async () => {
    const get = "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n";
    const r = await rawExchange(site.port, get + get + "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    expect(statuses(r.text)).toEqual([200, 200, 400]);
    expect(r.closed).toBe(true);
    expect(statusOf(r.text)).toBe(200);
  });
});
