import * as fs from "node:fs";
import { AP_MPMQ_IS_FORKED, AP_MPMQ_IS_THREADED, AP_MPMQ_MAX_DAEMONS, AP_MPMQ_MAX_DAEMON_USED, AP_MPMQ_HARD_LIMIT_DAEMONS, AP_MPMQ_HARD_LIMIT_THREADS, AP_MPMQ_MAX_THREADS, AP_MPMQ_NOT_SUPPORTED, AP_MPMQ_STATIC } from "../constants";
import { lexConfig } from "../config";
import type { SiteConfig } from "../module";

/**
 * mod_python's process-level `apache` functions, answered from the configuration now serving
 * (the one started last in this process).
 */
let current: SiteConfig | null = null;

export function useSiteConfig(config: SiteConfig): void {
  current = config;
}

export function retireSiteConfig(config: SiteConfig): void {
  if (current === config) current = null;
}

function serving(what: string): SiteConfig {
  if (!current) throw new Error(`${what}: no server configuration is loaded in this process`);
  return current;
}

/** `exists_config_define`: whether the server was started with `-D name`. */
export function existsConfigDefine(name: string): boolean {
  return serving("existsConfigDefine").parsed.defines.has(name);
}

/** `server_root()`. */
export function serverRoot(): string {
  return serving("serverRoot").parsed.serverRoot;
}

/** A directive `[name, args]`, or a section `[name args, children]` (mod_python's `config_tree` shape). */
export type ConfigNode = [string, string] | [string, ConfigNode[]];

/** `config_tree()`: the main configuration file as written (Include lines stay lines). */
export function configTree(): ConfigNode[] {
  const file = serving("configTree").parsed.configFile;
  const errors: never[] = [];
  const lines = lexConfig(fs.readFileSync(file, "utf8"), file, errors);
  const root: ConfigNode[] = [];
  const stack: ConfigNode[][] = [root];
  for (const l of lines) {
    const top = stack[stack.length - 1];
    if (l.kind === "directive") top.push([l.name, l.args.join(" ")]);
    else if (l.kind === "open") {
      const children: ConfigNode[] = [];
      top.push([`<${l.name} ${l.args.join(" ")}>`.replace(" >", ">"), children]);
      stack.push(children);
    } else if (stack.length > 1) stack.pop();
  }
  return root;
}

/**
 * `mpm_query(code)`: tsmod is a pre-fork server of `Workers` processes, each running one
 * event loop (no request threads).
 */
export function mpmQuery(code: number): number {
  const workers = serving("mpmQuery").main.workers;
  switch (code) {
    case AP_MPMQ_IS_THREADED:
      return AP_MPMQ_NOT_SUPPORTED;
    case AP_MPMQ_IS_FORKED:
      return workers > 1 ? AP_MPMQ_STATIC : AP_MPMQ_NOT_SUPPORTED;
    case AP_MPMQ_MAX_DAEMON_USED:
    case AP_MPMQ_HARD_LIMIT_DAEMONS:
    case AP_MPMQ_MAX_DAEMONS:
      return workers;
    case AP_MPMQ_HARD_LIMIT_THREADS:
    case AP_MPMQ_MAX_THREADS:
      return 1;
    default:
      return 0;
  }
}
