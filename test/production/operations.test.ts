/*
 * Operations: apachectl's verbs through PidFile, User/Group after binding (the tests run as
 * root here), one-line start-up errors, --version.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { runCli, serve } from "../helpers/cli";
import { request, writeTree } from "../helpers/site";

const APP = `import { OK, type Request } from "tsmod";
export async function handler(req: Request): Promise<number> {
  await req.write(\`uid=\${process.getuid?.()} gid=\${process.getgid?.()} pid=\${process.pid}\`);
  return OK;
}
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;

test("tsmod --version", () => {
  const r = runCli(["--version"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^tsmod \d+\.\d+\.\d+\n$/);
});

test("start, status, graceful, stop through the PID file", async () => {
  const port = await freePort();
  const dir = writeTree({ "app/app.ts": APP });
  const pidFile = path.join(dir, "run/tsmod.pid");
  const conf = path.join(dir, "tsmod.conf");
  fs.writeFileSync(conf, `Listen 127.0.0.1:${port}\nServerName ops.test\nPidFile ${pidFile}\nSetHandler tsmod\nTsHandler app/app\n`);
  try {
    expect(runCli(["status", "-f", conf]).status).toBe(3);
    const started = runCli(["start", "-f", conf]);
    expect(started.stderr).toBe("");
    expect(started.stdout).toMatch(/^tsmod started: pid \d+\n$/);
    const pid = Number(fs.readFileSync(pidFile, "utf8"));
    expect((await request({ port }, "/")).body).toContain(`pid=${pid}`);
    expect(runCli(["start", "-f", conf]).stderr).toContain(`already running (pid ${pid})`);
    expect(runCli(["status", "-f", conf]).stdout).toMatch(new RegExp(`^tsmod is running: pid ${pid}, up \\d+ s\\n$`));
    // graceful: a reload (SIGHUP) of the same process, which serves on.
    expect(runCli(["graceful", "-f", conf]).status).toBe(0);
    expect((await request({ port }, "/")).status).toBe(200);
    const stopped = runCli(["stop", "-f", conf]);
    expect(stopped.status).toBe(0);
    expect(fs.existsSync(pidFile)).toBe(false);
    expect(runCli(["stop", "-f", conf]).stderr).toContain("not running");
  } finally {
    const left = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8")) : 0;
    if (left) process.kill(left, "SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a verb without PidFile says so", () => {
  const dir = writeTree({ "tsmod.conf": "Listen 127.0.0.1:0\nServerName x\n" });
  const r = runCli(["status", "-f", path.join(dir, "tsmod.conf")]);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("has no PidFile directive");
});

test("a port in use is one line before anything listens", async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
  const port = (blocker.address() as net.AddressInfo).port;
  const dir = writeTree({ "tsmod.conf": `Listen 127.0.0.1:${port}\nServerName x\n` });
  try {
    const r = runCli(["serve", "-f", path.join(dir, "tsmod.conf")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`tsmod: cannot listen on 127.0.0.1:${port}: the address is already in use\n`);
    expect(r.stdout).toBe("");
  } finally {
    blocker.close();
  }
});

(asRoot ? test : test.skip)("User/Group: root is given up once the port is bound", async () => {
  const dir = writeTree({ "app/app.ts": APP });
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, "tsmod.conf");
  fs.writeFileSync(conf, `Listen 127.0.0.1:0\nServerName priv.test\nUser nobody\nGroup #65534\nSetHandler tsmod\nTsHandler app/app\n`);
  const served = await serve(conf);
  try {
    const port = Number(new URL(served.urls[0]).port);
    const { body } = await request({ port }, "/");
    expect(body).toMatch(/^uid=65534 gid=65534 /);
  } finally {
    await served.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
