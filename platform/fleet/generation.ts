import type { Client } from "pg";
import { APLOG_ERR, APLOG_NOTICE } from "../constants";
import { lazyModule } from "../lazy-module";

/** node-postgres costs every process memory (and a thread module): loaded when a host joins a fleet. */
const pg = lazyModule<typeof import("pg")>("pg");

/**
 * Coordinated reloads across hosts: a configuration "generation" in PostgreSQL that every
 * instance watches (LISTEN/NOTIFY). `tsmod deploy` raises it; each instance then reloads its
 * configuration and code gracefully, in host-name order (a host waits until every live host
 * named before it has tried the generation), and records what it serves: so a deploy reaches
 * the hosts one at a time, in a known order, and a host whose new configuration fails keeps
 * serving the old one and says so.
 */

/** `TsOption` keys, read at the main server's level. */
export const DEPLOY_DATABASE = "tsmod.deploy.database";
export const DEPLOY_SCHEMA = "tsmod.deploy.schema";
export const DEPLOY_HOST = "tsmod.deploy.host";

/** A host takes part while it has written within this long (it writes every HEARTBEAT_MS). */
const ALIVE_SECONDS = 15;
const HEARTBEAT_MS = 5000;
const TURN_POLL_MS = 200;
/** An unquoted PostgreSQL identifier: safe in SQL text and in a channel name. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,40}$/;

export interface FleetSettings {
  readonly url: string;
  readonly schema: string;
  readonly host: string;
}

/** The deploy settings of a configuration's main server, or null when it takes part in none. */
export function fleetSettings(options: ReadonlyMap<string, string>, fallbackHost: string): FleetSettings | null {
  const url = options.get(DEPLOY_DATABASE);
  if (!url) return null;
  const schema = options.get(DEPLOY_SCHEMA) || "tsmod_deploy";
  if (!SCHEMA_NAME.test(schema)) throw new Error(`TsOption ${DEPLOY_SCHEMA} must be a lower-case PostgreSQL name, not '${schema}'`);
  return { url, schema, host: options.get(DEPLOY_HOST) || fallbackHost };
}

export interface HostState {
  readonly host: string;
  /** The generation it serves. */
  readonly generation: number;
  /** The last generation it tried to load. */
  readonly tried: number;
  readonly status: "serving" | "failed";
  readonly message: string;
  readonly alive: boolean;
}

async function connect(settings: FleetSettings): Promise<Client> {
  const client = new (pg().Client)({ connectionString: settings.url });
  await client.connect();
  const s = settings.schema;
  await client.query(`create schema if not exists ${s}`);
  await client.query(`create table if not exists ${s}.generation (id int primary key check (id = 1), generation bigint not null)`);
  await client.query(`insert into ${s}.generation values (1, 1) on conflict do nothing`);
  await client.query(
    `create table if not exists ${s}.hosts (host text primary key, generation bigint not null, tried bigint not null, status text not null, message text not null, seen timestamptz not null, changed timestamptz not null)`,
  );
  return client;
}

function channel(settings: FleetSettings): string {
  return `tsmod_deploy_${settings.schema}`;
}

async function hostStates(client: Client, settings: FleetSettings): Promise<HostState[]> {
  const rows = await client.query(
    `select host, generation, tried, status, message, seen > now() - interval '${ALIVE_SECONDS} seconds' as alive from ${settings.schema}.hosts order by host`,
  );
  return rows.rows.map((r) => ({ host: r.host, generation: Number(r.generation), tried: Number(r.tried), status: r.status, message: r.message, alive: r.alive }));
}

/** An instance's side: watches the generation and reloads when its turn comes. */
export class GenerationWatch {
  private loaded = 0;
  private target = 0;
  private working: Promise<void> = Promise.resolve();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly client: Client,
    private readonly settings: FleetSettings,
    private readonly reload: () => Promise<boolean>,
    private readonly log: (message: string, level: number) => void,
  ) {
    this.heartbeat = setInterval(() => void this.touch(), HEARTBEAT_MS).unref();
  }

  /** Joins the fleet serving the current generation (the one this instance just loaded). */
  static async start(settings: FleetSettings, reload: () => Promise<boolean>, log: (message: string, level: number) => void): Promise<GenerationWatch> {
    const client = await connect(settings);
    // A lost connection is reported and the instance serves on; it no longer follows deploys.
    client.on("error", (e) => log(`tsmod deploy: the generation database connection failed: ${e.message}`, APLOG_ERR));
    const watch = new GenerationWatch(client, settings, reload, log);
    const current = Number((await client.query(`select generation from ${settings.schema}.generation`)).rows[0].generation);
    watch.loaded = watch.target = current;
    await watch.record(current, current, "serving", "");
    client.on("notification", (n) => watch.raise(Number(n.payload)));
    await client.query(`listen ${channel(settings)}`);
    return watch;
  }

  get generation(): number {
    return this.loaded;
  }

  private raise(generation: number): void {
    if (!(generation > this.target)) return;
    this.target = generation;
    this.working = this.working.then(() => this.catchUp());
  }

  private async catchUp(): Promise<void> {
    while (!this.closed && this.loaded < this.target) {
      const target = this.target;
      await this.waitForTurn(target);
      if (this.closed) return;
      this.log(`tsmod deploy: loading generation ${target} (serving ${this.loaded})`, APLOG_NOTICE);
      const ok = await this.reload().catch(() => false);
      if (ok) {
        this.loaded = target;
        await this.record(target, target, "serving", "");
      } else {
        await this.record(this.loaded, target, "failed", `generation ${target} did not load (see the error log); serving generation ${this.loaded}`);
        return;
      }
    }
  }

  /** Until every live host named before this one has tried `target`. */
  private async waitForTurn(target: number): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const before = (await hostStates(this.client, this.settings)).filter((h) => h.host < this.settings.host && h.alive && h.tried < target);
      if (before.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, TURN_POLL_MS));
    }
  }

  private async record(generation: number, tried: number, status: HostState["status"], message: string): Promise<void> {
    await this.client.query(
      `insert into ${this.settings.schema}.hosts values ($1, $2, $3, $4, $5, now(), now())
       on conflict (host) do update set generation = $2, tried = $3, status = $4, message = $5, seen = now(), changed = now()`,
      [this.settings.host, generation, tried, status, message],
    );
  }

  private async touch(): Promise<void> {
    try {
      await this.client.query(`update ${this.settings.schema}.hosts set seen = now() where host = $1`, [this.settings.host]);
    } catch {
      // Reported by the connection's error event.
    }
  }

  /** Leaves the fleet: the hosts after this one no longer wait for it. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    await this.working.catch(() => undefined);
    await this.client.query(`update ${this.settings.schema}.hosts set seen = 'epoch' where host = $1`, [this.settings.host]).catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }
}

/**
 * `tsmod deploy`: raises the generation and waits until every live host has tried it (or
 * `waitMs` has passed). Resolves with the generation raised to and every host's state (those
 * no longer alive too).
 */
export async function deploy(settings: FleetSettings, waitMs: number): Promise<{ generation: number; hosts: HostState[] }> {
  const client = await connect(settings);
  try {
    const generation = Number((await client.query(`update ${settings.schema}.generation set generation = generation + 1 returning generation`)).rows[0].generation);
    await client.query(`select pg_notify($1, $2)`, [channel(settings), String(generation)]);
    const until = Date.now() + waitMs;
    for (;;) {
      const hosts = await hostStates(client, settings);
      if (hosts.every((h) => !h.alive || h.tried >= generation) || Date.now() >= until) return { generation, hosts };
      await new Promise((resolve) => setTimeout(resolve, TURN_POLL_MS));
    }
  } finally {
    await client.end();
  }
}
