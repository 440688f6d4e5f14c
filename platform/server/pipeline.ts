import { APLOG_ERR, DECLINED, HTTP_FORBIDDEN, HTTP_INTERNAL_SERVER_ERROR, HTTP_OK, HTTP_REQUEST_ENTITY_TOO_LARGE, HTTP_UNAUTHORIZED, OK, TSMOD_HANDLER } from "../constants";
import { perDirConfig, type HandlerEntry } from "../config";
import { PHASES, runPhase, type PhaseSpec } from "../phases";
import { isProxied, proxyFilename, proxyHandlerFor, proxyRequest } from "../proxy";
import { bodyLimit, type Request } from "../request";
import { defaultHandler, isHtFile } from "../static";
import { defaultContentType, handlerExtension, handlerFor } from "./content-type";
import { rawHeader } from "./raw-header";
import { checkHostAccess, userSatisfies } from "./require-check";
import { mapToStorage, translateUri } from "./translate";
import { checkRedirect } from "./url-redirect";

/** A step's answer: go on to the next step, or end the request with this result. */
const NEXT = Symbol("next");
type StepResult = typeof NEXT | number;

interface Step {
  readonly name: string;
  /** Internal redirects start after the post-read step, as in Apache. */
  readonly onRedirect: boolean;
  /** Synchronous when there is nothing to wait for: most steps of most requests. */
  run(req: Request): StepResult | Promise<StepResult>;
}

/**
 * The answer for a phase nobody configured (most phases of most requests), shared instead of
 * a new array each time; never written to, as `addHandler` copies the lists it is handed.
 */
const NO_HANDLERS: HandlerEntry[] = [];

/** The handlers for a phase: its `| .ext` list when one matches, else the generic list, then added ones. */
export function handlersFor(req: Request, directive: string): HandlerEntry[] {
  const dir = req._state.dir;
  const handlers = dir.handlers;
  const configured = (req.extension && hasExtensionLists(dir) && handlers.get(directive + req.extension)) || handlers.get(directive) || NO_HANDLERS;
  const pending = req._state.added;
  const added = pending?.get(directive);
  if (!pending || !added) return configured;
  pending.delete(directive);
  return [...configured, ...added];
}

/**
 * Whether a merged configuration has any `| .ext` list (their keys are `directive.ext`). Most
 * have none, and then a phase's lookup needs no key built per request.
 */
const hasExtensionLists = perDirConfig((dir) => [...dir.handlers.keys()].some((k) => k.includes(".")));

/** RUN_ALL phases go on after OK or DECLINED; anything else ends the request. */
function runAll(req: Request, phase: PhaseSpec): StepResult | Promise<StepResult> {
  const list = handlersFor(req, phase.directive);
  if (list.length === 0) return NEXT;
  return andThen(runPhase(req, phase, list), continueAfter);
}

function continueAfter(r: number): StepResult {
  return r === OK || r === DECLINED ? NEXT : r;
}

/** `next(value)`, at once when `value` is not a promise: most phases of most requests answer at once. */
function andThen<T extends number | symbol, U>(value: T | Promise<T>, next: (value: T) => U | Promise<U>): U | Promise<U> {
  return typeof value === "object" ? value.then(next) : next(value);
}

/**
 * The request pipeline in Apache order. Each step runs its phase's handlers (one runner,
 * `runPhase`) and then does what Apache's core does between phases.
 */
const STEPS: readonly Step[] = [
  {
    name: "post-read-request",
    onRedirect: false,
    run(req) {
      // The top-level TsInitHandler runs here; one set inside a section runs as a header parser.
      const initList = req._state.dir.handlers.get(PHASES.init.directive);
      if (!initList) return runAll(req, PHASES.postReadRequest);
      return andThen(runPhase(req, PHASES.init, initList), (init) => (init !== OK && init !== DECLINED ? init : runAll(req, PHASES.postReadRequest)));
    },
  },
  {
    name: "translate",
    onRedirect: true,
    run(req) {
      const redirect = checkRedirect(req, req.server.config.dir.redirects, true);
      if (redirect !== null) return redirect;
      const trans = handlersFor(req, PHASES.trans.directive);
      if (trans.length === 0) {
        req.filename = translateUri(req.server.config, req.uri);
        return mapStorage(req);
      }
      return andThen(runPhase(req, PHASES.trans, trans), (r) => {
        if (r === DECLINED) req.filename = translateUri(req.server.config, req.uri);
        else if (r !== OK) return r;
        return mapStorage(req);
      });
    },
  },
  {
    name: "header-parser",
    onRedirect: true,
    run(req) {
      const init = req._state.dir.handlers.get(PHASES.init.directive);
      if (!init || init === req.server.config.dir.handlers.get(PHASES.init.directive)) return runAll(req, PHASES.headerParser);
      return andThen(runPhase(req, PHASES.init, init), (r) => (r !== OK && r !== DECLINED ? r : runAll(req, PHASES.headerParser)));
    },
  },
  { name: "access", onRedirect: true, run: (req) => runAll(req, PHASES.access) },
  { name: "auth", onRedirect: true, run: authenticate },
  {
    name: "type",
    onRedirect: true,
    run(req) {
      const types = handlersFor(req, PHASES.type.directive);
      if (types.length === 0) return defaultType(req, DECLINED);
      return andThen(runPhase(req, PHASES.type, types), (r) => defaultType(req, r));
    },
  },
  {
    name: "fixup",
    onRedirect: true,
    run(req) {
      // No closure unless the phase waits: this step runs for every request.
      const r = runAll(req, PHASES.fixup);
      return typeof r === "object" ? r.then((v) => afterFixup(req, v)) : afterFixup(req, r);
    },
  },
  {
    name: "content",
    onRedirect: true,
    run(req) {
      if (req.handler !== TSMOD_HANDLER) return andThen(builtinContent(req), contentResult);
      const r = runPhase(req, PHASES.content, handlersFor(req, PHASES.content.directive));
      return typeof r === "object" ? r.then((v) => afterContent(req, v)) : afterContent(req, r);
    },
  },
];

/** Section-level `Redirect` rules apply once the fixups have run, as mod_alias does in Apache. */
function afterFixup(req: Request, r: StepResult): StepResult {
  return r === NEXT ? (checkRedirect(req, req._state.dir.redirects, false) ?? NEXT) : r;
}

/** What no TsHandler took goes to the built-in content (files, proxy). */
function afterContent(req: Request, r: number): number | Promise<number> {
  return r === DECLINED ? andThen(builtinContent(req), contentResult) : contentResult(r);
}

/** Content no TsHandler took: a proxied URL is the backend's; anything else is a file (or a listing). */
function builtinContent(req: Request): number | Promise<number> {
  return isProxied(req.filename) ? proxyRequest(req) : defaultHandler(req);
}

function contentResult(r: number): number {
  return r === HTTP_OK ? OK : r;
}

/** After the type phase: a URL handled by tsmod names code, not a document, so its type is the handler's to set. */
function defaultType(req: Request, r: number): StepResult {
  if (r === DECLINED && req.contentType === null && req.filename && req.handler !== TSMOD_HANDLER) {
    req.contentType = defaultContentType(req._state.dir, req.filename);
  } else if (r !== OK && r !== DECLINED) return r;
  return NEXT;
}

/**
 * Runs a request through every step; returns OK/DONE when the response is written, or the
 * status of the error response to send.
 */
export function runPipeline(req: Request, isRedirect: boolean): number | Promise<number> {
  return runSteps(req, isRedirect, 0);
}

/** The steps from `first` on, without a promise while each step answers at once. */
function runSteps(req: Request, isRedirect: boolean, first: number): number | Promise<number> {
  for (let i = first; i < STEPS.length; i++) {
    const step = STEPS[i];
    if (isRedirect && !step.onRedirect) continue;
    const r = step.run(req);
    if (typeof r === "object") return r.then((v) => (v === NEXT ? runSteps(req, isRedirect, i + 1) : v));
    if (r !== NEXT) return r;
  }
  return OK;
}

/**
 * Finds the file (and path info) for the URI and the config of every section that applies.
 * Inside a `<Location>` that hands the request to tsmod, the file system is not consulted at
 * all (mod_python's Location shortcut): such URLs name handlers, not files.
 */
function mapStorage(req: Request): StepResult {
  const state = req._state;
  const filename = req.filename ?? translateUri(req.server.config, req.uri);
  const locationDir = state.lookup.forLocation(req.uri);
  const proxied = proxyFilename(locationDir, req.uri, req.args);
  if (proxied !== null) {
    req.filename = proxied;
    state.dir = locationDir;
    return configure(req, proxyHandlerFor(locationDir));
  }
  if (locationDir.setHandler === TSMOD_HANDLER) {
    req.filename = filename;
    state.dir = locationDir;
    return configure(req, null);
  }
  const mapped = mapToStorage(filename, req.server.documentRoot);
  req.filename = mapped.filename;
  req.pathInfo = mapped.pathInfo;
  state.finfo = mapped.finfo;
  state.dir = state.lookup.forRequest(req.uri, mapped.filename, mapped.finfo?.isDirectory() ?? false);
  return configure(req, null);
}

/** What follows from the merged config: interpreter, handler, `| .ext`, the body limit. */
function configure(req: Request, proxyHandler: string | null): StepResult {
  const dir = req._state.dir;
  req.interpreter = dir.interpreter ?? req.server.serverHostname;
  req.handler = proxyHandler ?? handlerFor(dir, req.filename);
  req.extension = handlerExtension(req.filename);
  const declared = Number(rawHeader(req.raw.rawHeaders, "content-length") ?? 0);
  const limit = bodyLimit(dir);
  if (limit > 0 && declared > limit) {
    req.notes.set("error-notes", `The request body (${declared} bytes) exceeds LimitRequestBody (${limit} bytes).`);
    return HTTP_REQUEST_ENTITY_TOO_LARGE;
  }
  return NEXT;
}

/**
 * Access control by `Require`, then authentication and authorization. The authen and authz
 * handlers run only where a `Require` line needs a user, as in Apache.
 */
function authenticate(req: Request): StepResult | Promise<StepResult> {
  const dir = req._state.dir;
  // Apache's stock `<Files ".ht*"> Require all denied`, whatever handler the URL maps to.
  if (isHtFile(req.filename)) return HTTP_FORBIDDEN;
  const verdict = checkHostAccess(dir.requires, req.connection.remoteIp);
  if (verdict === "granted") return NEXT;
  if (verdict === "denied") return HTTP_FORBIDDEN;
  return authenticateUser(req);
}

async function authenticateUser(req: Request): Promise<StepResult> {
  const dir = req._state.dir;
  const authenList = handlersFor(req, PHASES.authen.directive);
  if (authenList.length === 0) {
    req.logError(`${req.uri}: Require needs an authenticated user, but no TsAuthenHandler is configured here`, APLOG_ERR);
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  const authen = await runPhase(req, PHASES.authen, authenList);
  if (authen === DECLINED) return HTTP_UNAUTHORIZED;
  if (authen !== OK) return authen;
  if (!req.user) {
    req.logError(`${req.uri}: ${PHASES.authen.directive} returned OK but did not set req.user`, APLOG_ERR);
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  const authz = await runPhase(req, PHASES.authz, handlersFor(req, PHASES.authz.directive));
  if (authz === OK) return NEXT;
  if (authz !== DECLINED) return authz;
  if (userSatisfies(dir.requires, req.user)) return NEXT;
  req.logError(`user ${req.user}: authorization failure for "${req.uri}"`, APLOG_ERR);
  return HTTP_UNAUTHORIZED;
}

