import { DECLINED, DONE, OK } from "../constants";
import { defineModule, HOOK_FIRST } from "../module";
import type { Request } from "../request";
import { RewriteBase, RewriteCondDirective, RewriteEngine, RewriteRuleDirective } from "./directives";
import { applyRules, compileRules, fileTest, type CompiledRule, type RewriteOutcome, type RewriteVariables } from "./rewrite-engine";

interface RewriteConfig {
  readonly engine: boolean;
  /** Rules written at server level: run at URL translation, over the URL path. */
  readonly serverRules: readonly CompiledRule[];
  /** Rules of the innermost section that has some: run at fixups, then an internal redirect. */
  readonly sectionRules: readonly CompiledRule[];
  /** Their `<Directory>` (its path is taken off the file name before matching), or null. */
  readonly directory: string | null;
  readonly base: string | undefined;
}

/** DESIGN.md §9's server variables, and a few more mod_rewrite users write as often. */
function variables(req: Request): RewriteVariables {
  return {
    get(name) {
      if (name.startsWith("HTTP:")) return req.headersIn.get(name.slice(5)) ?? "";
      if (name.startsWith("ENV:")) return req.subprocessEnv.get(name.slice(4)) ?? process.env[name.slice(4)] ?? "";
      switch (name) {
        case "HTTP_HOST":
          return req.headersIn.get("host") ?? "";
        case "HTTP_USER_AGENT":
          return req.headersIn.get("user-agent") ?? "";
        case "HTTP_REFERER":
          return req.headersIn.get("referer") ?? "";
        case "HTTP_COOKIE":
          return req.headersIn.get("cookie") ?? "";
        case "HTTP_ACCEPT":
          return req.headersIn.get("accept") ?? "";
        case "REQUEST_URI":
          return req.uri;
        case "REQUEST_FILENAME":
        case "SCRIPT_FILENAME":
          return req.filename ?? req.uri;
        case "QUERY_STRING":
          return req.args ?? "";
        case "HTTPS":
          return req.isHttps() ? "on" : "off";
        case "REMOTE_ADDR":
          return req.connection.remoteIp;
        case "REQUEST_METHOD":
          return req.method;
        case "SERVER_NAME":
          return req.server.serverHostname;
        case "SERVER_PORT":
          return String(req.port);
        case "THE_REQUEST":
          return req.theRequest;
        case "REQUEST_SCHEME":
          return req.isHttps() ? "https" : "http";
        case "DOCUMENT_ROOT":
          return req.server.documentRoot;
      }
      return req.subprocessEnv.get(name) ?? "";
    },
    fileExists: fileTest,
  };
}

function run(req: Request, rules: readonly CompiledRule[], input: string): RewriteOutcome {
  return applyRules(rules, input, req.args, variables(req), (name, value) => (value === null ? req.subprocessEnv.delete(name) : req.subprocessEnv.set(name, value)));
}

/** [R] and `scheme://` substitutions: a path is made absolute on this server, as Apache does. */
function redirect(req: Request, status: number, location: string): number {
  req.errHeadersOut.set("Location", location.startsWith("/") ? req.constructUrl(location) : location);
  return status;
}

/**
 * Server level, at URL translation: [PT] hands the new URL path to the other translators
 * (Alias); otherwise a path whose first folder exists on disk is the file, else it is under
 * DocumentRoot.
 */
function translate(req: Request, config: RewriteConfig): number {
  const outcome = run(req, config.serverRules, req.uri);
  switch (outcome.kind) {
    case "unchanged":
      return DECLINED;
    case "status":
      return outcome.status;
    case "redirect":
      return redirect(req, outcome.status, outcome.location);
  }
  if (outcome.query !== null) req.args = outcome.query || null;
  if (outcome.passThrough) {
    req.uri = outcome.path;
    return DECLINED;
  }
  const firstFolder = /^\/[^/]+/.exec(outcome.path)?.[0];
  if (firstFolder && fileTest(firstFolder, "-d")) {
    req.filename = outcome.path;
    return OK;
  }
  req.filename = req.server.documentRoot + outcome.path;
  req._state.mappedRoot = req.server.documentRoot;
  return OK;
}

/**
 * In a section, at fixups (the file is known): in a `<Directory>` the rules see the path below
 * it, and a relative result is taken under RewriteBase (default: the URL of that folder); the
 * request then restarts on the new URL (an internal redirect), as mod_rewrite's per-directory
 * rewriting does.
 */
async function fixup(req: Request, config: RewriteConfig): Promise<number> {
  let input = req.uri;
  let prefix = "/";
  if (config.directory && req.filename?.startsWith(config.directory)) {
    input = req.filename.slice(config.directory.length) + (req.pathInfo ?? "");
    prefix = config.base ?? (req.uri.endsWith(input) ? req.uri.slice(0, req.uri.length - input.length) : "/");
  }
  const outcome = run(req, config.sectionRules, input);
  switch (outcome.kind) {
    case "unchanged":
      return DECLINED;
    case "status":
      return outcome.status;
    case "redirect":
      return redirect(req, outcome.status, outcome.location.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(outcome.location) ? outcome.location : prefix + outcome.location);
  }
  const uri = outcome.path.startsWith("/") ? outcome.path : prefix + outcome.path;
  const query = outcome.query ?? req.args;
  if (uri === req.uri && query === req.args) return DECLINED;
  await req.internalRedirect(query ? `${uri}?${query}` : uri);
  return DONE;
}

/**
 * mod_rewrite's common subset (DESIGN.md §9): RewriteEngine, RewriteCond, RewriteRule and
 * RewriteBase with Apache's per-server and per-directory semantics. A section with rules of its
 * own replaces the rules around it (Apache without `RewriteOptions Inherit`).
 */
export const rewriteModule = defineModule<RewriteConfig>({
  name: "rewrite",
  directives: [RewriteEngine, RewriteRuleDirective, RewriteCondDirective, RewriteBase],
  dirConfig(values) {
    const items = values.get(RewriteRuleDirective) ?? [];
    const inSection = items.length > 0 && items[0].inSection;
    const rules = compileRules(items);
    return {
      engine: values.get(RewriteEngine) ?? false,
      serverRules: inSection ? [] : rules,
      sectionRules: inSection ? rules : [],
      directory: inSection ? items[0].directory : null,
      base: values.get(RewriteBase),
    };
  },
  hooks: {
    translate: { order: HOOK_FIRST, when: (c) => c.engine && c.serverRules.length > 0, run: translate },
    fixup: { when: (c) => c.engine && c.sectionRules.length > 0, run: fixup },
  },
});
