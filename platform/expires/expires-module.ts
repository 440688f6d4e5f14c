import { directive, flagArg, mergeMaps } from "../config";
import { defineModule } from "../module";
import type { Request } from "../request";

/** When a response expires: seconds after the request (access) or after the file's modification. */
export interface ExpiresRule {
  readonly base: "access" | "modification";
  readonly seconds: number;
}

/** Apache's units: a month is 30 days, a year 365. */
const UNIT_SECONDS: Record<string, number> = { year: 31536000, month: 2592000, week: 604800, day: 86400, hour: 3600, minute: 60, second: 1 };

/** `A3600`, `M86400`, or `access plus 1 month 2 days` (`now` = access, `modification`). */
export function parseExpires(text: string): ExpiresRule {
  const short = /^([AM])(\d+)$/.exec(text);
  if (short) return { base: short[1] === "A" ? "access" : "modification", seconds: Number(short[2]) };
  const words = text.trim().toLowerCase().split(/\s+/);
  const base = words[0] === "access" || words[0] === "now" ? "access" : words[0] === "modification" ? "modification" : null;
  if (!base) throw new Error(`'${text}' starts with neither access, now nor modification (or is not A<seconds> / M<seconds>)`);
  let i = words[1] === "plus" ? 2 : 1;
  if (i >= words.length) throw new Error(`'${text}' gives no time (e.g. "access plus 1 month")`);
  let seconds = 0;
  for (; i < words.length; i += 2) {
    const n = words[i];
    const unit = words[i + 1]?.replace(/s$/, "");
    if (!/^\d+$/.test(n) || unit === undefined || !(unit in UNIT_SECONDS)) throw new Error(`'${text}': expected NUMBER UNIT pairs (years, months, weeks, days, hours, minutes, seconds)`);
    seconds += Number(n) * UNIT_SECONDS[unit];
  }
  return { base, seconds };
}

export const ExpiresActive = directive<boolean>({ name: "ExpiresActive", context: "both", args: 1, parse: ([v]) => flagArg("ExpiresActive", v) });

export const ExpiresByType = directive<Map<string, ExpiresRule>>({
  name: "ExpiresByType",
  context: "both",
  args: 2,
  parse([type, rule]) {
    if (!/^[\w.+-]+\/([\w.+-]+|\*)$/.test(type)) throw new Error(`'${type}' is not a MIME type (type/subtype or type/*)`);
    return new Map([[type.toLowerCase(), parseExpires(rule)]]);
  },
  combine: mergeMaps,
  merge: mergeMaps,
});

export const ExpiresDefault = directive<ExpiresRule>({ name: "ExpiresDefault", context: "both", args: 1, parse: ([rule]) => parseExpires(rule) });

interface ExpiresConfig {
  readonly active: boolean;
  readonly byType: ReadonlyMap<string, ExpiresRule>;
  readonly fallback: ExpiresRule | undefined;
}

function ruleFor(config: ExpiresConfig, contentType: string | null): ExpiresRule | undefined {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  return config.byType.get(type) ?? config.byType.get(type.replace(/\/.*$/, "/*")) ?? config.fallback;
}

function setExpires(req: Request, config: ExpiresConfig): void {
  if (req.status >= 400 || req.headersOut.has("expires") || req.errHeadersOut.has("expires")) return;
  const rule = ruleFor(config, req.headersOut.get("content-type") ?? req.contentType);
  if (!rule) return;
  const now = Date.now();
  let from = now;
  if (rule.base === "modification") {
    const mtime = req._state.finfo?.mtimeMs;
    if (mtime === undefined) return;
    from = mtime;
  }
  const expires = from + rule.seconds * 1000;
  req.headersOut.set("Expires", new Date(expires).toUTCString());
  const maxAge = Math.max(0, Math.floor((expires - now) / 1000));
  const cc = req.headersOut.get("cache-control");
  req.headersOut.set("Cache-Control", cc ? `${cc}, max-age=${maxAge}` : `max-age=${maxAge}`);
}

/**
 * mod_expires: `Expires` and `Cache-Control: max-age` on successful responses by content type,
 * unless the handler set `Expires` itself. `modification` needs a file (no header otherwise).
 */
export const expiresModule = defineModule<ExpiresConfig>({
  name: "expires",
  directives: [ExpiresActive, ExpiresByType, ExpiresDefault],
  dirConfig: (values) => ({ active: values.get(ExpiresActive) ?? false, byType: values.get(ExpiresByType) ?? new Map(), fallback: values.get(ExpiresDefault) }),
  beforeHeaders(req, config) {
    if (config.active && (config.byType.size > 0 || config.fallback)) setExpires(req, config);
  },
});
