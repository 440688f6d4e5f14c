/* docs/coming-from-express.md: its tsmod site, taken from the page's code blocks, works as the page says. */
import * as path from "node:path";
import { startTestSite, type TestSite } from "../../index";
import { filesInDoc } from "../helpers/doc-files";

let site: TestSite;
beforeAll(async () => {
  const { "tsmod.conf": conf, "server.ts": express, ...files } = filesInDoc(path.join(__dirname, "../../docs/coming-from-express.md"));
  expect(Object.keys(files).sort()).toEqual(["api/index.ts", "app/auth.ts", "app/hello.ts"]);
  expect(express).toContain("express()");
  site = await startTestSite(conf.replace("Listen 127.0.0.1:8080", "Listen 127.0.0.1:0"), {
    files: { ...files, "htdocs/index.html": "home", "members/list.txt": "members only" },
  });
});
afterAll(() => site.close());

test("the page, the JSON API and the static files answer", async () => {
  expect((await site.request("/hello?name=%3Cyou%3E")).body).toBe("<h1>Hello, &lt;you&gt;!</h1>");
  const api = await site.request("/api/greet?name=ann");
  expect([api.headers["content-type"], JSON.parse(api.body)]).toEqual([expect.stringMatching(/^application\/json/), { greeting: "Hello, ann!" }]);
  expect((await site.request("/")).body).toBe("home");
});

test("the members area asks for Basic credentials and lets the right ones in", async () => {
  const denied = await site.request("/members/list.txt");
  expect([denied.status, denied.headers["www-authenticate"]]).toEqual([401, 'Basic realm="members"']);
  const basic = (pw: string) => ({ authorization: "Basic " + Buffer.from("ann:" + pw).toString("base64") });
  expect((await site.request("/members/list.txt", { headers: basic("wrong") })).status).toBe(401);
  expect((await site.request("/members/list.txt", { headers: basic("secret") })).body).toBe("members only");
});
