import { DECLINED } from "../constants";
import type { HandlerEntry } from "../config/model";
import type { Request } from "../request";
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
  const running = { directive: phase.directive, list: [...list] };
  state.running = running;
  req.phase = phase.directive;
  let result = DECLINED;
  try {
    for (let i = 0; i < running.list.length; i++) {
      const entry = running.list[i];
      const name = describeEntry(entry);
      req.hlist = { handler: name, directory: entry.directory, silent: entry.silent, isLocation: entry.isLocation };
      let r;
      try {
        r = await callHandler(req, phase, entry);
      } catch (err) {
        r = await reportError(req, `${phase.directive} ${name}`, err);
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
