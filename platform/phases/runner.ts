import { DECLINED } from "../constants";
import type { HandlerEntry } from "../config/model";
import type { HandlerInfo, Request } from "../request";
import { SKIPPED, callHandler, describeEntry } from "./handler-call";
import type { PhaseSpec } from "./phase-table";
import { reportError } from "./report-error";

/**
 * Runs one phase's handler list with mod_python's stacking rule: go on while each result is
 * one the phase continues on; the last result is the phase's. The list may grow while it runs
 * (`req.addHandler` for the running phase).
 */
export async function runPhase(req: Request, phase: PhaseSpec, list: HandlerEntry[]): Promise<number> {
  if (list.length === 0) return DECLINED;
  const state = req._state;
  // The configured list itself: `addHandler` copies it before appending (see `owned`).
  const running = { directive: phase.directive, list, owned: false };
  state.running = running;
  req.phase = phase.directive;
  let result = DECLINED;
  try {
    for (let i = 0; i < running.list.length; i++) {
      const entry = running.list[i];
      const info = infoOf(entry);
      req.hlist = info;
      let r;
      try {
        const called = callHandler(req, phase, entry);
        r = typeof called === "object" ? await called : called;
      } catch (err) {
        r = await reportError(req, `${phase.directive} ${info.handler}`, err);
      }
      if (r === SKIPPED) continue;
      result = r;
      if (!phase.continueOn.includes(result)) break;
    }
  } finally {
    state.running = null;
  }
  return result;
}

const infos = new WeakMap<HandlerEntry, HandlerInfo>();

/** `req.hlist` for an entry: entries live as long as their configuration, so made once. */
function infoOf(entry: HandlerEntry): HandlerInfo {
  let info = infos.get(entry);
  if (!info) {
    info = Object.freeze({ handler: describeEntry(entry), directory: entry.directory, silent: entry.silent, isLocation: entry.isLocation });
    infos.set(entry, info);
  }
  return info;
}
