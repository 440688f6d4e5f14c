import { directive, intArg, mergeMaps, secondsArg } from "../config";

/** One `TsDaemonProcess` line: a pool of separate processes (mod_wsgi's WSGIDaemonProcess). */
export interface DaemonSpec {
  readonly name: string;
  readonly processes: number;
  /** Requests a process serves before it is replaced; 0: no limit. */
  readonly maximumRequests: number;
  /** MB of V8 heap (`--max-old-space-size`) and of resident memory checked after each request; 0: none. */
  readonly memoryLimitMb: number;
  /** Seconds a request may take in the group; null: the server's `Timeout`. */
  readonly requestTimeout: number | null;
  /** Seconds a retiring process has to finish its requests before it is killed. */
  readonly gracefulTimeout: number;
  readonly where: string;
}

const OPTIONS = ["processes", "maximum-requests", "memory-limit", "request-timeout", "graceful-timeout"];

/** `TsDaemonProcess NAME processes=N maximum-requests=N memory-limit=MB request-timeout=S graceful-timeout=S`. */
export const TsDaemonProcess = directive<Map<string, DaemonSpec>>({
  name: "TsDaemonProcess",
  context: "server",
  args: [1, 1 + OPTIONS.length],
  parse([name, ...options], where) {
    if (!/^[A-Za-z][\w.-]*$/.test(name)) throw new Error(`'${name}' is not a group name (letters, digits, '_', '.', '-')`);
    const values = new Map<string, string>();
    for (const o of options) {
      const eq = o.indexOf("=");
      const key = eq < 0 ? o : o.slice(0, eq).toLowerCase();
      if (eq < 0 || !OPTIONS.includes(key)) throw new Error(`'${o}': expected one of ${OPTIONS.map((k) => k + "=").join(", ")}`);
      values.set(key, o.slice(eq + 1));
    }
    const int = (key: string, fallback: number, min: number) => (values.has(key) ? intArg(`TsDaemonProcess ${key}`, values.get(key)!, min) : fallback);
    const spec: DaemonSpec = {
      name,
      processes: int("processes", 1, 1),
      maximumRequests: int("maximum-requests", 0, 0),
      memoryLimitMb: int("memory-limit", 0, 0),
      requestTimeout: values.has("request-timeout") ? secondsArg("TsDaemonProcess request-timeout", values.get("request-timeout")!) : null,
      gracefulTimeout: values.has("graceful-timeout") ? secondsArg("TsDaemonProcess graceful-timeout", values.get("graceful-timeout")!) : 15,
      where: `${where.file}:${where.line}`,
    };
    return new Map([[name, spec]]);
  },
  combine: mergeMaps,
  merge: mergeMaps,
});

/** `TsProcessGroup NAME`: the section's apps run in that daemon group's processes. */
export interface GroupChoice {
  readonly name: string;
  readonly file: string;
  readonly line: number;
}

export const TsProcessGroup = directive<GroupChoice>({
  name: "TsProcessGroup",
  context: "both",
  args: 1,
  parse: ([name], where) => ({ name, file: where.file, line: where.line }),
});
