/*
 * mod_python's per-request test cases (test/test.py groups A-E), ported: one server, one
 * name-based virtual host per case, selected with the Host header, as upstream runs them.
 */
import * as path from "node:path";
import * as net from "node:net";
import { request, startSite, waitFor, type TestSite } from "../helpers/site";

const HTDOCS = path.resolve(__dirname, "../fixtures/htdocs");

/** mod_python's STD(h) shape, with tsmod's names. */
function std(name: string, handler: string, extra = "", vhostExtra = ""): string {
  return `<VirtualHost *>
  ServerName ${name}
  DocumentRoot ${HTDOCS}
  ${vhostExtra}
  <Directory ${HTDOCS}>
    SetHandler tsmod
    TsHandler ${handler}
    TsDebug On
    ${extra}
  </Directory>
</VirtualHost>`;
}

function vhost(name: string, body: string, vhostExtra = ""): string {
  return `<VirtualHost *>
  ServerName ${name}
  DocumentRoot ${HTDOCS}
  ${vhostExtra}
  <Directory ${HTDOCS}>
${body}
  </Directory>
</VirtualHost>`;
}

const config = [
  `ServerName 127.0.0.1`,
  `DocumentRoot ${HTDOCS}`,
  `LogLevel debug`,
  `TsOption TsOptionTest sample_value`,
  std("test_req_document_root", "tests::req_document_root"),
  std("test_req_construct_url", "tests::req_construct_url"),
  std("test_req_headers_out", "tests::req_headers_out"),
  std("test_req_allow_methods", "tests::req_allow_methods"),
  std("test_req_no_cache", "tests::req_no_cache"),
  std("test_req_update_mtime", "tests::req_update_mtime"),
  std("test_req_read", "tests::req_read", "", "Timeout 1"),
  std("test_req_readline", "tests::req_readline"),
  std("test_req_readlines", "tests::req_readlines"),
  std("test_req_discard_request_body", "tests::req_discard_request_body", "", "Timeout 1"),
  std("test_req_sendfile", "tests::req_sendfile"),
  std("test_req_sendfile2", "tests::req_sendfile2"),
  std("test_req_sendfile3", "tests::req_sendfile3"),
  std("test_req_register_cleanup", "tests::req_register_cleanup"),
  std("test_req_add_handler", "tests::req_add_handler"),
  std("test_req_add_bad_handler", "tests::req_add_bad_handler"),
  std("test_req_add_empty_handler_string", "tests::req_add_empty_handler_string"),
  vhost("test_req_add_handler_empty_phase", "SetHandler tsmod\nTsFixupHandler tests::req_add_handler_empty_phase\nTsDebug On"),
  vhost("test_req_add_handler_directory", "SetHandler tsmod\nTsFixupHandler tests::test_req_add_handler_directory\nTsDebug On"),
  vhost("test_accesshandler_add_handler_to_empty_hl", "SetHandler tsmod\nTsAccessHandler tests::accesshandler_add_handler_to_empty_hl\nTsDebug On"),
  vhost("test_req_handler", "TsFixupHandler tests::req_handler\nTsDebug On"),
  std("test_none_handler", "tests::none_handler"),
  vhost("test_server_return", "SetHandler tsmod\nTsHandler tests::server_return_1\nTsHandler tests::server_return_2\nTsDebug On"),
  vhost(
    "test_phase_status",
    `SetHandler tsmod
    AuthType bogus
    AuthName bogus
    Require valid-user
    TsAuthenHandler tests::phase_status_1 tests::phase_status_2
    TsAuthenHandler tests::phase_status_3
    TsAuthzHandler tests::phase_status_4
    TsFixupHandler tests::phase_status_5 tests::phase_status_6 tests::phase_status_7
    TsHandler tests::phase_status_8
    TsCleanupHandler tests::phase_status_cleanup
    TsDebug On`,
  ),
  `<VirtualHost *>
  ServerName test_postreadrequest
  DocumentRoot ${HTDOCS}
  SetHandler tsmod
  TsPath ${HTDOCS}
  TsPostReadRequestHandler tests::postreadrequest
  TsDebug On
</VirtualHost>`,
  `<VirtualHost *>
  ServerName test_trans
  DocumentRoot ${HTDOCS}
  TsPath ${HTDOCS}
  TsTransHandler tests::trans
  TsDebug On
</VirtualHost>`,
  vhost("test_pipe_ext", `SetHandler tsmod\nTsHandler "tests::pipe_ext | .ts"\nTsHandler tests::simplehandler\nTsDebug On`),
  `<VirtualHost *>
  ServerName test_files_directive
  DocumentRoot ${HTDOCS}
  <Directory ${HTDOCS}>
    <Files "*.ts">
      SetHandler tsmod
      TsHandler tests::files_directive
      TsDebug On
    </Files>
  </Directory>
</VirtualHost>`,
  vhost("test_req_unauthorized", "SetHandler tsmod\nAuthName blah\nAuthType basic\nRequire all granted\nTsHandler tests::req_unauthorized\nTsDebug On"),
  vhost("test_req_get_basic_auth_pw", "SetHandler tsmod\nAuthName blah\nAuthType basic\nRequire all granted\nTsHandler tests::req_get_basic_auth_pw\nTsDebug On"),
  vhost(
    "test_req_auth_type",
    "SetHandler tsmod\nAuthName blah\nAuthType dummy\nRequire valid-user\nTsAuthenHandler tests::req_auth_type\nTsAuthzHandler tests::req_auth_type\nTsHandler tests::req_auth_type\nTsDebug On",
  ),
  vhost("test_req_requires", "SetHandler tsmod\nAuthName blah\nAuthType dummy\nRequire valid-user\nTsAuthenHandler tests::req_requires\nTsDebug On"),
  vhost("test_req_internal_redirect", `TsHandler "tests::req_internal_redirect | .ts"\nTsHandler "tests::req_internal_redirect_int | .int"\nSetHandler tsmod\nTsDebug On`),
  vhost("test_util_redirect", "TsFixupHandler tests::util_redirect\nTsHandler tests::util_redirect\nTsDebug On"),
  vhost("test_req_server_get_config", "SetHandler tsmod\nTsHandler tests::req_server_get_config\nTsDebug Off", "TsDebug On"),
  vhost(
    "test_req_server_get_options",
    "SetHandler tsmod\nTsHandler tests::req_server_get_options\nTsOption local 1\nTsOption override 2\nTsDebug On",
    "TsDebug Off\nTsOption global 1\nTsOption override 1",
  ),
  std("test_PythonOption", "tests::PythonOption_items"),
  std("test_PythonOption_override", "tests::PythonOption_items", `TsOption TsOptionTest "new_value"\nTsOption TsOptionTest2 "new_value2"`),
  std("test_PythonOption_remove", "tests::PythonOption_items", `TsOption TsOptionTest ""\nTsOption TsOptionTest2 "new_value2"`),
  std("test_PythonOption_remove2", "tests::PythonOption_items", `TsOption TsOptionTest\nTsOption TsOptionTest2 "new_value2"\nTsOption TsOptionTest3 new_value3`),
  std("test_interpreter_default", "tests::interpreter"),
  std("test_interpreter_named", "tests::interpreter", "TsInterpreter shared_interp"),
].join("\n");

let site: TestSite;

beforeAll(async () => {
  site = await startSite(config);
});

afterAll(() => site.close());

const get = (host: string, p = "/tests.ts", opts: Parameters<typeof request>[2] = {}) => request(site, p, { ...opts, host });

describe("A. request object", () => {
  test("A1 req_document_root", async () => {
    expect((await get("test_req_document_root")).body).toBe(HTDOCS);
  });

  test("A2 req_construct_url uses the Host name and port", async () => {
    expect((await get("test_req_construct_url")).body).toBe("test ok");
  });

  test("A3 headers_out reach the client, for a URL whose file does not exist", async () => {
    const r = await get("test_req_headers_out", "/test.ts");
    expect(r.headers["x-test-header"]).toBe("test ok");
    expect(r.body).toBe("test ok");
  });

  test("A4 allow_methods adds to Allow on 405", async () => {
    const r = await get("test_req_allow_methods");
    expect(r.status).toBe(405);
    expect(r.headers.allow).toContain("MKWORKSPACE");
  });

  test("A5 noCache sends Expires", async () => {
    const r = await get("test_req_no_cache");
    expect(r.headers.expires).toBeDefined();
    expect(r.headers.expires).toBe(r.headers.date);
    expect(r.body).toBe("test ok");
  });

  test("A6 updateMtime, setEtag, setLastModified", async () => {
    const r = await get("test_req_update_mtime");
    expect(r.body).toBe("test ok");
    expect(r.headers.etag).toBeDefined();
    expect(r.headers["last-modified"]).toBe("Thu, 01 Jan 1970 00:01:40 GMT");
  });

  test("A7 read() echoes a 100 kB body", async () => {
    const body = "1234567890".repeat(10000);
    const r = await get("test_req_read", "/tests.ts", { body });
    expect(r.body).toBe(body);
  });

  test("A7 a body that stops arriving answers 408 after Timeout", async () => {
    const reply = await new Promise<string>((resolve) => {
      const sock = net.connect(site.port, "127.0.0.1", () => {
        sock.write(`POST /tests.ts HTTP/1.1\r\nHost: test_req_read:${site.port}\r\nContent-Length: 10\r\n\r\n123456789`);
      });
      let data = "";
      sock.on("data", (d) => (data += d.toString()));
      sock.on("close", () => resolve(data));
      setTimeout(() => sock.destroy(), 5000);
    });
    expect(reply).toMatch(/^HTTP\/1.1 408 /);
    expect(reply).toContain("Client read error (Timeout?)");
  });

  test("A8 readline() across buffers", async () => {
    const body = ("1234567890".repeat(3000) + "\n").repeat(4);
    expect((await get("test_req_readline", "/tests.ts", { body })).body).toBe(body);
  });

  test("A9 readlines(sizeHint) stops once the hint is reached", async () => {
    const line = "1234567890".repeat(3000) + "\n";
    const body = line.repeat(4);
    expect((await get("test_req_readlines", "/tests.ts", { body })).body.length).toBe(120004);
    expect((await get("test_req_readlines", "/tests.ts", { body, headers: { SizeHint: "30000" } })).body.length).toBe(30001);
    expect((await get("test_req_readlines", "/tests.ts", { body, headers: { SizeHint: "32000" } })).body.length).toBe(60002);
  });

  test("A10 discardRequestBody after a partial read", async () => {
    const r = await get("test_req_discard_request_body", "/tests.ts", { method: "GET", body: "12345678901234567890" });
    expect(r.body).toBe("test ok");
  });

  test("A11 sendfile with offset and length", async () => {
    expect((await get("test_req_sendfile")).body).toBe("test ok");
  });

  test("A12 sendfile of a whole file", async () => {
    expect((await get("test_req_sendfile2")).body).toBe("0123456789".repeat(100));
  });

  test("A13 sendfile through a symlink", async () => {
    expect((await get("test_req_sendfile3")).body).toBe("0123456789".repeat(100));
  });

  test("A14 registerCleanup runs after the response", async () => {
    const r = await get("test_req_register_cleanup");
    expect(r.body).toBe("registered cleanup that will write to log");
    await waitFor(() => site.log.some((l) => l.includes("req_register_cleanup test ok")));
  });
});

describe("B. dispatch and phases", () => {
  test("B1 addHandler appends to the running phase; the request object persists", async () => {
    expect((await get("test_req_add_handler")).body).toBe("test ok");
  });

  test("B2 a missing function added at run time is reported when it runs", async () => {
    const r = await get("test_req_add_bad_handler");
    expect(r.body.startsWith("test ok")).toBe(true);
    expect(r.body).toContain("contains no &#39;bad_handler&#39;");
    expect(site.log.some((l) => l.includes("contains no 'bad_handler'"))).toBe(true);
  });

  test("B3 addHandler with an empty handler throws", async () => {
    const r = await get("test_req_add_empty_handler_string");
    expect(r.body).not.toBe("no exception");
    expect(r.status).toBe(500);
  });

  test("B4 addHandler into a phase with no configured handlers", async () => {
    expect((await get("test_req_add_handler_empty_phase")).body).toBe("test ok");
  });

  test("B5 the directory argument is canonicalised with a trailing slash", async () => {
    expect((await get("test_req_add_handler_directory")).body).toBe("test ok");
  });

  test("B6 an access handler adds the content handler", async () => {
    expect((await get("test_accesshandler_add_handler_to_empty_hl")).body).toBe("test ok");
  });

  test("B7 a fixup sets req.handler", async () => {
    expect((await get("test_req_handler", "/")).body).toBe("test ok");
  });

  test("B8 a handler that is not a function is a 500", async () => {
    expect((await get("test_none_handler")).status).toBe(500);
  });

  test("B9 throwing ServerReturn(OK) continues the chain", async () => {
    expect((await get("test_server_return")).body).toBe("test ok");
  });

  test("B10 per-phase continuation rules and the cleanup handler", async () => {
    const r = await get("test_phase_status");
    expect(r.body).toBe("test ok");
    await waitFor(() => site.log.some((l) => l.includes("phase_status_cleanup_log_entry")));
  });

  test("B11 post-read-request handler returning DONE ends the request", async () => {
    const r = await get("test_postreadrequest");
    expect(r.body).toBe("test ok");
    expect(site.log.some((l) => l.includes(`"TEST2","\\""`))).toBe(true);
  });

  test("B12 a trans handler maps the URI to a file the default handler serves", async () => {
    expect((await get("test_trans", "/no/such/uri")).body).toBe("first line of the trans target\n");
  });

  test("B13 | .ext lists replace the generic list when the extension matches", async () => {
    expect((await get("test_pipe_ext", "/tests.ts/pipe_ext")).body).toBe("pipe ext");
    expect((await get("test_pipe_ext", "/tests/anything")).body).toBe("test ok");
  });

  test("B14 a <Files> inside <Directory> inherits the directory", async () => {
    expect((await get("test_files_directive")).body).toBe(HTDOCS + "/");
  });
});

describe("C. authentication", () => {
  test("C1 a content handler answering 401", async () => {
    const ok = await get("test_req_unauthorized", "/tests.ts", { headers: { Authorization: "Basic c3BhbTplZ2dz" } });
    expect(ok.body).toBe("test ok");
    const bad = await get("test_req_unauthorized", "/tests.ts", { headers: { Authorization: "Basic c3BhbTpCQUQgUEFTU1dE" } });
    expect(bad.status).toBe(401);
    expect(bad.body).not.toBe("test ok");
    expect(bad.headers["www-authenticate"]).toBe('Basic realm="blah"');
  });

  test("C2 getBasicAuthPw", async () => {
    const r = await get("test_req_get_basic_auth_pw", "/tests.ts", { headers: { Authorization: "Basic c3BhbTplZ2dz" } });
    expect(r.body).toBe("test ok");
  });

  test("C3 latin-1 credentials", async () => {
    const r = await get("test_req_get_basic_auth_pw", "/tests.ts", { headers: { Authorization: "Basic c3DhbTrpZ2dz" } });
    expect(r.body).toBe("test ok");
  });

  test("C3' UTF-8 credentials", async () => {
    const creds = Buffer.from("spám:éggs", "utf8").toString("base64");
    const r = await get("test_req_get_basic_auth_pw", "/tests.ts", { headers: { Authorization: `Basic ${creds}` } });
    expect(r.body).toBe("test ok");
  });

  test("C4 a custom AuthType through authen, authz and content", async () => {
    expect((await get("test_req_auth_type")).body).toBe("test ok");
  });

  test("C5 requires() lists the Require lines", async () => {
    const r = await get("test_req_requires", "/tests.ts", { headers: { Authorization: "Basic c3BhbTplZ2dz" } });
    expect(r.body).toBe("test ok");
  });
});

describe("D. redirects", () => {
  test("D1 internalRedirect runs the full pipeline; req.prev output joins the response", async () => {
    expect((await get("test_req_internal_redirect")).body).toBe("test ok");
  });

  test("D2 redirect() from a fixup: 302, verbatim Location, custom body, nothing after", async () => {
    const r = await get("test_util_redirect", "/");
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe("/dummy");
    expect(r.body).toBe("test ok");
  });
});

describe("E. configuration", () => {
  test("E1 server-level vs per-directory getConfig", async () => {
    expect((await get("test_req_server_get_config")).body).toBe("test ok");
  });

  test("E2 option scoping: main server, virtual host, directory", async () => {
    expect((await get("test_req_server_get_options")).body).toBe("test ok");
  });

  test("E3 options inherited from the main server", async () => {
    expect((await get("test_PythonOption")).body).toBe('[["TsOptionTest","sample_value"]]');
  });

  test("E4 override, quotes stripped", async () => {
    expect((await get("test_PythonOption_override")).body).toBe('[["TsOptionTest","new_value"],["TsOptionTest2","new_value2"]]');
  });

  test("E5 an empty value removes an inherited option", async () => {
    expect((await get("test_PythonOption_remove")).body).toBe('[["TsOptionTest2","new_value2"]]');
  });

  test("E6 a missing value also removes; unquoted values", async () => {
    expect((await get("test_PythonOption_remove2")).body).toBe('[["TsOptionTest2","new_value2"],["TsOptionTest3","new_value3"]]');
  });

  test("E7 the interpreter defaults to the virtual host's ServerName; TsInterpreter names it", async () => {
    expect((await get("test_interpreter_default")).body).toBe("test_interpreter_default");
    expect((await get("test_interpreter_named")).body).toBe("shared_interp");
  });
});
