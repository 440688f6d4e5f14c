import { DECLINED } from "../constants";
import type { HandlerEntry, PhaseSpec } from "../core";
import type { HandlerInfo, Request } from "../request";
import { SKIPPED, callHandler, describeEntry, type HandlerResult } from "./handler-call";
import { reportError } from "./report-error";

/** The phase being run: its list may grow while it runs (`req.addHandler` for this phase). */
interface Running {
  directive: string;
  list: HandlerEntry[];
  owned: boolean;
}

/**
 * Runs one phase's handler list with mod_python's stacking rule: go on while each result is
 * one the phase continues on; the last result is the phase's. Handlers that answer at once are
 * run without a promise; one that returns a promise is waited for with a single `then`.
 */
export function runPhase(req: Request, phase: PhaseSpec, list: HandlerEntry[]): number | Promise<number> {
  if (list.length === 0) return DECLINED;
  // The configured list itself: `addHandler` copies it before appending (see `owned`).
  const running: Running = { directive: phase.directive, list, owned: false };
  req._state.running = running;
  req.phase = phase.directive;
  return runFrom(req, phase, running, 0, DECLINED);
}

function runFrom(req: Request, phase: PhaseSpec, running: Running, first: number, result: number): number | Promise<number> {
  for (let i = first; i < running.list.length; i++) {
    const info = infoOf(running.list[i]);
    req.hlist = info;
    let r: HandlerResult | Promise<HandlerResult>;
    try {
      r = callHandler(req, phase, running.list[i]);
    } catch (err) {
      r = reportError(req, `${phase.directive} ${info.handler}`, err);
    }
    if (typeof r === "object") {
      const at = i;
      const sofar = result;
      return r.then(
        (late) => goOn(req, phase, running, at, late, sofar),
        (err: unknown) => reportError(req, `${phase.directive} ${info.handler}`, err).then((late) => goOn(req, phase, running, at, late, sofar)),
      );
    }
    if (r === SKIPPED) continue;
    result = r;
    if (!phase.continueOn.includes(result)) break;
  }
  req._state.running = null;
  return result;
}

/** After the handler at `index` answered late: the phase ends here or goes on with the next. */
function goOn(req: Request, phase: PhaseSpec, running: Running, index: number, r: HandlerResult, result: number): number | Promise<number> {
  if (r !== SKIPPED) {
    result = r;
    if (!phase.continueOn.includes(result)) {
      req._state.running = null;
      return result;
    }
  }
  // The list is looked at now, not before: the handler may have added to it.
  return runFrom(req, phase, running, index + 1, result);
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
