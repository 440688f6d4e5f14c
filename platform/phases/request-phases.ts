import { DECLINED, HTTP_OK, HTTP_REQUEST_ENTITY_TOO_LARGE, OK } from "../constants";
import { andThen, isThenable, type MaybePromise } from "../maybe-promise";
import { HOOK_PHASES, type BoundHook, type HookPhase, type Plan, type ServerPlans } from "../module";
import { rawHeader, type Request } from "../request";
import { handlerExtension } from "./handler-extension";
import { reportError } from "./report-error";
import { mapToStorage } from "./storage";

/**
 * Runs the hooks of one phase in the request's plan: a RUN_FIRST phase stops at the first hook
 * that does not DECLINE, a RUN_ALL phase at the first that answers neither OK nor DECLINED.
 * DECLINED when no hook had work. A hook that throws is reported (a 500 with the cause logged).
 */
export function runHooks(req: Request, phase: HookPhase): MaybePromise<number> {
  return hooksOf(req, phase).length === 0 ? DECLINED : runFrom(req, phase, 0, DECLINED);
}

/**
 * The hooks with work under the request's plan; all of them once a handler added handlers at
 * run time (`req.addHandler`), as those may be for a phase the configuration leaves empty.
 */
function hooksOf(req: Request, phase: HookPhase): readonly BoundHook[] {
  const plan = req._state.plan as Plan;
  return req._state.added?.size ? plan.allHooks(phase) : plan.hooks(phase);
}

function runFrom(req: Request, phase: HookPhase, first: number, result: number): MaybePromise<number> {
  const hooks = hooksOf(req, phase);
  const runAll = HOOK_PHASES[phase] === "all";
  for (let i = first; i < hooks.length; i++) {
    const hook = hooks[i];
    let r: MaybePromise<number>;
    try {
      r = hook.run(req, hook.config);
    } catch (e) {
      r = reportError(req, `${hook.module} (${phase})`, e);
    }
    if (isThenable(r)) {
      const at = i;
      const sofar = result;
      return r.then(
        (late) => goOn(req, phase, at, late, sofar, runAll),
        (e: unknown) => reportError(req, `${hook.module} (${phase})`, e),
      );
    }
    if (r === DECLINED) continue;
    if (!runAll || r !== OK) return r;
    result = OK;
  }
  return result;
}

function goOn(req: Request, phase: HookPhase, index: number, r: number, result: number, runAll: boolean): MaybePromise<number> {
  if (r === DECLINED) return runFrom(req, phase, index + 1, result);
  if (!runAll || r !== OK) return r;
  return runFrom(req, phase, index + 1, OK);
}

/** A step's answer: go on with the next step, or end the request with this result. */
const NEXT = -1;

/** RUN_ALL phases go on after OK or DECLINED; anything else ends the request. */
function goOnUnless(r: number): number {
  return r === OK || r === DECLINED ? NEXT : r;
}

interface Step {
  /** Internal redirects start after the post-read step, as in Apache. */
  readonly onRedirect: boolean;
  run(req: Request, server: ServerPlans): MaybePromise<number>;
}

/**
 * Apache's `ap_process_request_internal` and `ap_invoke_handler`: the phases in order, each
 * running the modules' hooks, with what the core does between them (the default URI-to-file
 * translation, the directory walk, the body limit, the content handler by name).
 */
const STEPS: readonly Step[] = [
  { onRedirect: false, run: (req) => andThen(runHooks(req, "postRead"), goOnUnless) },
  {
    onRedirect: true,
    run(req, server) {
      return andThen(runHooks(req, "translate"), (r) => {
        if (r === DECLINED) {
          req.filename = server.core.documentRoot + req.uri;
          req._state.mappedRoot = server.core.documentRoot;
        } else if (r !== OK) return r;
        return mapStorage(req, server);
      });
    },
  },
  { onRedirect: true, run: (req) => andThen(runHooks(req, "headerParser"), goOnUnless) },
  { onRedirect: true, run: (req) => andThen(runHooks(req, "access"), goOnUnless) },
  { onRedirect: true, run: (req) => andThen(runHooks(req, "type"), (r) => (r === OK || r === DECLINED ? NEXT : r)) },
  { onRedirect: true, run: (req) => andThen(runHooks(req, "fixup"), goOnUnless) },
  { onRedirect: true, run: (req) => andThen(invokeHandler(req), (r) => (r === HTTP_OK ? OK : r)) },
];

/**
 * Runs a request through every phase up to and including its content; returns OK or DONE when
 * the response is written, or the status of the error response to send.
 */
export function runRequest(req: Request, server: ServerPlans, isRedirect: boolean): MaybePromise<number> {
  return runSteps(req, server, isRedirect, 0);
}

/** The steps before the content's: type, fixup and the content handler. */
const ACCESS_STEPS = 4;

/**
 * Runs a sub-request (Apache's `ap_sub_req_method_uri`) through URL mapping and the access,
 * authentication and authorization checks of its sections, never further: what it answers is
 * whether that request would be allowed (OK or DECLINED) or the status it would be refused with.
 */
export function runAccessChecks(req: Request, server: ServerPlans): MaybePromise<number> {
  return runSteps(req, server, true, 0, ACCESS_STEPS);
}

/** The steps from `first` on, without a promise while each step answers at once. */
function runSteps(req: Request, server: ServerPlans, isRedirect: boolean, first: number, end = STEPS.length): MaybePromise<number> {
  for (let i = first; i < end; i++) {
    const step = STEPS[i];
    if (isRedirect && !step.onRedirect) continue;
    const r = step.run(req, server);
    if (isThenable(r)) return r.then((v) => (v === NEXT ? runSteps(req, server, isRedirect, i + 1, end) : v));
    if (r !== NEXT) return r;
  }
  return OK;
}

/**
 * Finds the plan the request runs with: `mapToStorage` hooks see the plan of the server and its
 * `<Location>` sections (a module that takes the request keeps it: proxied and handler URLs
 * name no file); otherwise the directory walk finds the file and every section that applies.
 */
function mapStorage(req: Request, server: ServerPlans): MaybePromise<number> {
  const state = req._state;
  state.plan = server.plans.forLocation(req.uri);
  return andThen(runHooks(req, "mapToStorage"), (r) => {
    if (r === DECLINED) {
      const mapped = mapToStorage(req.filename ?? server.core.documentRoot + req.uri, server.core.documentRoot);
      req.filename = mapped.filename;
      req.pathInfo = mapped.pathInfo;
      state.finfo = mapped.finfo;
      state.plan = server.plans.forRequest(req.uri, mapped.filename, mapped.finfo?.isDirectory() ?? false);
    } else if (r !== OK) return r;
    return configure(req);
  });
}

/** TsInterpPerDirectory's interpreter name: the file's folder, or the folder itself, with a slash. */
function folderName(filename: string, isDirectory: boolean): string {
  const dir = isDirectory ? filename : filename.slice(0, filename.lastIndexOf("/") + 1);
  return dir.endsWith("/") ? dir : dir + "/";
}

/** What follows from the plan: interpreter, handler, `| .ext`, the body limit. */
function configure(req: Request): number {
  const core = req._state.plan.core;
  req.interpreter = core.interpreter ?? (core.interpPerDirectory && req.filename ? folderName(req.filename, req._state.finfo?.isDirectory() ?? false) : req.server.serverHostname);
  req.handler ??= core.handlerFor(req.filename);
  req.extension = handlerExtension(req.filename);
  const declared = Number(rawHeader(req.raw.rawHeaders, "content-length") ?? 0);
  const limit = core.bodyLimit;
  if (limit > 0 && declared > limit) {
    req.notes.set("error-notes", `The request body (${declared} bytes) exceeds LimitRequestBody (${limit} bytes).`);
    return HTTP_REQUEST_ENTITY_TOO_LARGE;
  }
  return NEXT;
}

/** The default content handler's name: what serves a URL no module's handler takes. */
export const DEFAULT_HANDLER = "default-handler";

/**
 * The content handler `req.handler` names; one that DECLINES, or a name no module declares,
 * leaves the request to the fallback handler, normally the default one (Apache's
 * `ap_invoke_handler`).
 */
function invokeHandler(req: Request): MaybePromise<number> {
  const modules = (req._state.plan as Plan).modules;
  const named = req.handler ? modules.handler(req.handler) : undefined;
  if (!named) return runDefault(req);
  return andThen(callHandler(req, named.run, named.module.name), (r) => (r === DECLINED ? runDefault(req) : r));
}

function runDefault(req: Request): MaybePromise<number> {
  const plan = req._state.plan as Plan;
  const fallback = plan.modules.handler(req._state.fallbackHandler ?? DEFAULT_HANDLER);
  if (!fallback) return DECLINED;
  return callHandler(req, fallback.run, fallback.module.name);
}

function callHandler(req: Request, run: (req: Request, config: unknown) => MaybePromise<number>, module: string): MaybePromise<number> {
  const config = (req._state.plan as Plan).moduleConfig(module);
  try {
    const r = run(req, config);
    return isThenable(r) ? Promise.resolve(r).catch((e: unknown) => reportError(req, `${module} (handler)`, e)) : r;
  } catch (e) {
    return reportError(req, `${module} (handler)`, e);
  }
}

/** Whether the request's last plan has work after the response: log or cleanup hooks. */
export function hasLateHooks(req: Request): boolean {
  return hooksOf(req, "log").length > 0 || hooksOf(req, "cleanup").length > 0;
}
