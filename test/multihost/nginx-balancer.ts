/**
 * nginx (Debian's) as the load balancer in front of the test bed's hosts: a configuration of
 * the test's own in a temp prefix, loopback only. `setUpstreams` rewrites the upstream list and
 * reloads, resolving once the old workers have finished their requests and exited — the way an
 * operator takes a host out of rotation before stopping it (nginx's free edition has no active
 * health checks).
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { TestBed } from "./testbed";

export class NginxBalancer {
  private constructor(
    private readonly prefix: string,
    private readonly port: number,
    private readonly master: ChildProcess,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(bed: TestBed, port: number, upstreams: string[]): Promise<NginxBalancer> {
    const prefix = path.join(bed.dir, "nginx");
    fs.mkdirSync(path.join(prefix, "logs"), { recursive: true });
    fs.writeFileSync(path.join(prefix, "nginx.conf"), config(prefix, port, upstreams));
    const master = bed.startHere("nginx", ["-p", prefix, "-c", path.join(prefix, "nginx.conf"), "-e", path.join(prefix, "logs/error.log")]);
    const lb = new NginxBalancer(prefix, port, master);
    await lb.waitFor(() => lb.workers().length > 0, "nginx to start");
    return lb;
  }

  /** Points nginx at `upstreams`; resolves once no worker with the old list is left. */
  async setUpstreams(upstreams: string[]): Promise<void> {
    const old = this.workers();
    fs.writeFileSync(path.join(this.prefix, "nginx.conf"), config(this.prefix, this.port, upstreams));
    this.master.kill("SIGHUP");
    await this.waitFor(() => {
      const now = this.workers();
      return now.length > 0 && now.every((pid) => !old.includes(pid));
    }, "nginx's old workers to finish");
  }

  private workers(): number[] {
    const r = spawnSync("pgrep", ["-P", String(this.master.pid)], { encoding: "utf8" });
    return r.stdout.split("\n").filter(Boolean).map(Number);
  }

  private async waitFor(done: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (done()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
}

function config(prefix: string, port: number, upstreams: string[]): string {
  return `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  upstream tsmod {
${upstreams.map((u) => `    server ${u};`).join("\n")}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://tsmod;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }
}
`;
}
