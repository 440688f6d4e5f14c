/**
 * HAProxy (Debian's) as the load balancer in front of the test bed's hosts, with active health
 * checks and its runtime API: a host is taken out of rotation with `set server ... state maint`
 * and stopped once HAProxy has no connection left to it, the way an operator drains a host.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import type { TestBed } from "./testbed";

export class HaproxyBalancer {
  private constructor(
    private readonly socket: string,
    private readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `servers`: name → address. Resolves once every server passes its health check. */
  static async start(bed: TestBed, port: number, servers: Record<string, string>, healthPath: string): Promise<HaproxyBalancer> {
    const prefix = path.join(bed.dir, "haproxy");
    fs.mkdirSync(prefix, { recursive: true });
    const socket = path.join(prefix, "admin.sock");
    const lines = Object.entries(servers).map(([name, addr]) => `  server ${name} ${addr} check inter 200ms fall 2 rise 1`);
    fs.writeFileSync(
      path.join(prefix, "haproxy.cfg"),
      `global
  stats socket ${socket} mode 600 level admin
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend web
  bind 127.0.0.1:${port}
  default_backend tsmod
backend tsmod
  balance roundrobin
  option httpchk GET ${healthPath}
  http-check expect status 200
${lines.join("\n")}
`,
    );
    bed.startHere("haproxy", ["-db", "-f", path.join(prefix, "haproxy.cfg")]);
    const lb = new HaproxyBalancer(socket, port);
    await lb.waitFor(async () => {
      const stats = await lb.stats().catch(() => []);
      return stats.length === Object.keys(servers).length && stats.every((s) => s.status === "UP");
    }, "HAProxy's servers to be up");
    return lb;
  }

  /** Takes `server` out of rotation and resolves once HAProxy has no connection left to it. */
  async drain(server: string): Promise<void> {
    await this.command(`set server tsmod/${server} state maint`);
    await this.waitFor(async () => (await this.stats()).find((s) => s.name === server)?.current === 0, `${server} to drain`);
  }

  /** Puts `server` back; resolves once its health check passes. */
  async restore(server: string): Promise<void> {
    await this.command(`set server tsmod/${server} state ready`);
    await this.waitFor(async () => (await this.stats()).find((s) => s.name === server)?.status === "UP", `${server} to be up`);
  }

  /** The backend's servers: name, status, current connections (HAProxy's `show stat`). */
  private async stats(): Promise<{ name: string; status: string; current: number }[]> {
    const [header, ...rows] = (await this.command("show stat")).split("\n").filter(Boolean);
    const columns = header.replace(/^# /, "").split(",");
    const at = (row: string[], name: string) => row[columns.indexOf(name)];
    return rows
      .map((r) => r.split(","))
      .filter((r) => at(r, "pxname") === "tsmod" && !["FRONTEND", "BACKEND"].includes(at(r, "svname")))
      .map((r) => ({ name: at(r, "svname"), status: at(r, "status"), current: Number(at(r, "scur")) }));
  }

  private command(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const c = net.connect(this.socket);
      let out = "";
      c.on("data", (d) => (out += d.toString()));
      c.on("end", () => resolve(out));
      c.on("error", reject);
      c.end(`${text}\n`);
    });
  }

  private async waitFor(done: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (await done()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
}
