import type { ReadStage } from "../model";
import { RSRC, type DirectiveDef } from "./directive-def";

/** Apache 2.4's defaults: `RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500`. */
export const DEFAULT_HEADER_READ_TIMEOUT: ReadStage = { initial: 20, max: 40, minRate: 500 };
export const DEFAULT_BODY_READ_TIMEOUT: ReadStage = { initial: 20, max: 0, minRate: 500 };

/**
 * One `stage=value` of `RequestReadTimeout`, with mod_reqtimeout's syntax and checks:
 * `T`, `T,MinRate=R` or `T-maxT,MinRate=R` (a range needs MinRate); `0` disables the stage.
 */
export function parseReadStage(value: string): ReadStage | null {
  const comma = value.toLowerCase().indexOf(",minrate=");
  const times = comma < 0 ? value : value.slice(0, comma);
  const minRate = comma < 0 ? 0 : wholeNumber(value.slice(comma + ",minrate=".length), "MinRate");
  if (comma >= 0 && minRate === 0) throw new Error("the minimum data rate must be larger than 0");
  const dash = times.indexOf("-");
  if (dash >= 0 && comma < 0) throw new Error("a timeout range (T-maxT) needs MinRate");
  const initial = wholeNumber(dash < 0 ? times : times.slice(0, dash), "the timeout");
  const max = dash < 0 ? 0 : wholeNumber(times.slice(dash + 1), "the maximum timeout");
  if (max && initial >= max) throw new Error("the maximum timeout must be larger than the initial timeout");
  return initial === 0 ? null : { initial, max, minRate };
}

function wholeNumber(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${what} must be a whole number, not '${text}'`);
  return Number(text);
}

export const reqtimeoutDirectives: DirectiveDef[] = [
  {
    name: "RequestReadTimeout",
    contexts: RSRC,
    minArgs: 1,
    maxArgs: Infinity,
    apply(ctx, args) {
      for (const arg of args) {
        const eq = arg.indexOf("=");
        if (eq < 0) throw new Error(`RequestReadTimeout: '${arg}' is not stage=value (header=... or body=...)`);
        const key = arg.slice(0, eq).toLowerCase();
        if (key !== "header" && key !== "body") {
          const hint = key === "handshake" ? " (tsmod serves no TLS of its own, so there is no handshake stage)" : "";
          throw new Error(`RequestReadTimeout: unknown stage '${arg.slice(0, eq)}'; use header= or body=${hint}`);
        }
        let stage: ReadStage | null;
        try {
          stage = parseReadStage(arg.slice(eq + 1));
        } catch (e) {
          throw new Error(`RequestReadTimeout: ${arg}: ${(e as Error).message}`);
        }
        if (key === "header") ctx.server.headerReadTimeout = stage;
        else ctx.server.bodyReadTimeout = stage;
      }
    },
  },
];
