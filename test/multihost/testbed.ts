/**
 * A multi-host test bed made by the test itself: each "host" is a Linux network namespace joined
 * to this one by a veth pair, running its own tsmod instance; nginx (or HAProxy) on this side
 * balances across them; PostgreSQL and Redis, which listen on loopback here, are reached from
 * every namespace through a TCP relay on the veth address. Traffic stays inside the namespaces
 * and loopback. Needs root and iproute2 (`ip netns`); `canBuildHosts()` says whether it can run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr || r.error?.message}`);
}

/** Whether this process may make namespaces (root, iproute2), and why not. */
export function canBuildHosts(): string | null {
  if (process.getuid?.() !== 0) return "needs root to make network namespaces";
  const probe = `tsmodprobe${process.pid}`;
  const r = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8" });
  if (r.status !== 0) return `ip netns does not work here: ${r.stderr || r.error?.message}`;
  spawnSync("ip", ["netns", "del", probe]);
  return null;
}

export interface Host {
  readonly index: number;
  readonly namespace: string;
  /** The host's own address (inside its namespace). */
  readonly ip: string;
  /** This side's end of its veth pair: where the relays listen for it. */
  readonly gateway: string;
}

/** A TCP relay from `listenHost:port` to 127.0.0.1:port (PostgreSQL, Redis). */
function relay(listenHost: string, port: number): Promise<net.Server> {
  const server = net.createServer((inbound) => {
    const outbound = net.connect(port, "127.0.0.1");
    inbound.pipe(outbound).pipe(inbound);
    const close = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on("error", close);
    outbound.on("error", close);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, listenHost, () => resolve(server));
  });
}

/**
 * `count` hosts in namespaces of this run's own (10.231.N.2, gateway 10.231.N.1), with relays to
 * the loopback services named by `relayPorts`.
 */
export class TestBed {
  readonly hosts: Host[] = [];
  /** Every namespace made so far, for cleanup even when building one failed half-way. */
  private readonly namespaces: string[] = [];
  private readonly relays: net.Server[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly tag = randomBytes(2).toString("hex");
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-multihost-"));

  static async build(count: number, relayPorts: number[]): Promise<TestBed> {
    const bed = new TestBed();
    try {
      for (let i = 1; i <= count; i++) bed.hosts.push(bed.makeHost(i));
      for (const host of bed.hosts) for (const port of relayPorts) bed.relays.push(await relay(host.gateway, port));
    } catch (e) {
      await bed.destroy();
      throw e;
    }
    return bed;
  }

  private makeHost(i: number): Host {
    // Interface names are at most 15 characters.
    const namespace = `tsmod-${this.tag}-${i}`;
    const outside = `tm${this.tag}o${i}`;
    const inside = `tm${this.tag}i${i}`;
    const net24 = `10.231.${i}`;
    const host: Host = { index: i, namespace, ip: `${net24}.2`, gateway: `${net24}.1` };
    run("ip", ["netns", "add", namespace]);
    this.namespaces.push(namespace);
    run("ip", ["link", "add", outside, "type", "veth", "peer", "name", inside]);
    run("ip", ["link", "set", inside, "netns", namespace]);
    run("ip", ["addr", "add", `${host.gateway}/24`, "dev", outside]);
    run("ip", ["link", "set", outside, "up"]);
    const inNs = (...args: string[]) => run("ip", ["netns", "exec", namespace, ...args]);
    inNs("ip", "addr", "add", `${host.ip}/24`, "dev", inside);
    inNs("ip", "link", "set", inside, "up");
    inNs("ip", "link", "set", "lo", "up");
    return host;
  }

  /** Starts `node args` inside the host's namespace; resolves once it prints a `listening on` line. */
  startInHost(host: Host, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
    const child = spawn("ip", ["netns", "exec", host.namespace, process.execPath, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    return new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`host ${host.index}: not listening after 30 s: ${out}`)), 30_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (/listening on/.test(out)) {
          clearTimeout(timer);
          child.stdout!.off("data", onData);
          // Keep reading, or a full pipe would block the server.
          child.stdout!.resume();
          resolve(child);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`host ${host.index} exited with ${code}: ${out}`));
      });
    });
  }

  /** Starts a program on this side (nginx, HAProxy) and keeps it for cleanup. */
  startHere(cmd: string, args: string[]): ChildProcess {
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    return child;
  }

  async destroy(): Promise<void> {
    await Promise.all(
      [...this.children].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once("exit", () => resolve());
            c.kill("SIGKILL");
          }),
      ),
    );
    await Promise.all(this.relays.map((r) => new Promise<void>((resolve) => r.close(() => resolve()))));
    // Deleting a namespace deletes its end of the veth pair, and with it this side's.
    for (const namespace of this.namespaces) spawnSync("ip", ["netns", "del", namespace]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Waits until `child` has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** A free TCP port on loopback (for nginx, which cannot report the port it was given). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
