import * as path from "node:path";
import type { DirectiveLine, Section } from "../config";
import { TSMOD_HANDLER } from "../constants";
import { HOOK_PHASES, type HookPhase, type Plan, type SiteConfig } from "../module";
import { DEFAULT_HANDLER, mapToStorage } from "../phases";
import { VhostMatcher } from "../server";

export interface ExplainRequest {
  /** A path (`/app/x?a=1`) or an absolute URL (its host and port choose the virtual host). */
  readonly url: string;
  readonly method: string;
  /** The Host header; default the URL's host, else the main server's name. */
  readonly host: string | null;
}

/**
 * `tsmod explain`: what the loaded configuration does with one request, without serving it:
 * the virtual host, the file the default translation and directory walk find, the sections
 * that apply (in merge order), the directive lines of those places (outer to inner, with the
 * module owning each) and the modules with work in each phase, then the content handler.
 * Apache's `-S` and `-t -D DUMP_*`, for one URL. Handler code is not run: a translate hook
 * (Alias, TsTransHandler, a rewrite) may map the URL elsewhere, and the output says which could.
 */
export function explain(site: SiteConfig, request: ExplainRequest): string {
  const url = new URL(request.url, "http://explain.invalid");
  const port = url.port ? Number(url.port) : (site.main.listen[0]?.port ?? 80);
  const host = request.host ?? (url.hostname !== "explain.invalid" ? url.host : site.mainServer.core.serverName);
  const cores = [site.mainServer, ...site.virtualServers];
  const core = new VhostMatcher(site.mainServer.core, site.virtualServers.map((v) => v.core)).match(host, port, "127.0.0.1");
  const index = cores.findIndex((s) => s.core === core);
  const server = cores[index];
  const parsed = index === 0 ? site.parsed.main : site.parsed.vhosts[index - 1];
  const uri = decodeURIComponent(url.pathname);
  const out: string[] = [`${request.method} ${uri}${url.search} (Host: ${host}, port ${port})`];
  out.push(`Virtual host: ${index === 0 ? "the main server" : `<VirtualHost ${parsed.addresses.join(" ")}> at ${where(parsed)}`} (ServerName ${core.serverName})`);

  const locationPlan = server.plans.forLocation(uri);
  let plan: Plan;
  let sections: readonly Section[];
  let filename: string | null = null;
  if (locationPlan.core.setHandler === TSMOD_HANDLER) {
    out.push(`File: none (a <Location> handed to ${TSMOD_HANDLER}: no directory walk)`);
    sections = server.plans.sectionsFor(uri, null, false);
    plan = locationPlan;
  } else {
    const mapped = mapToStorage(core.documentRoot + uri, core.documentRoot);
    filename = mapped.filename;
    const isDir = mapped.finfo?.isDirectory() ?? false;
    const state = mapped.finfo ? (isDir ? "a folder" : "a file") : "not found";
    out.push(`File: ${filename} (${state})${mapped.pathInfo ? `, path info ${mapped.pathInfo}` : ""}`);
    const translators = locationPlan.hooks("translate").map((h) => h.module);
    if (translators.length) out.push(`  by the default translation; translate hooks that may map it elsewhere: ${[...new Set(translators)].join(", ")}`);
    sections = server.plans.sectionsFor(uri, filename, isDir);
    plan = server.plans.forRequest(uri, filename, isDir);
  }

  out.push("", "Sections (in merge order):");
  if (sections.length === 0) out.push("  none: the server's own settings only");
  for (const s of sections) out.push(`  ${sectionName(s)}  ${where(s)}`);

  out.push("", "Directives (outer to inner; an inner line overrides or adds to an outer one by the directive's merge rule):");
  const places = [-1, ...(index === 0 ? [] : [-1 - index]), ...sections.map((s) => s.id)];
  const lines = places.flatMap((p) => site.parsed.lines.filter((l) => l.place === p));
  if (lines.length === 0) out.push("  none");
  const owner = (l: DirectiveLine) => site.modules.moduleOf(l.spec)?.name ?? "?";
  const width = Math.max(0, ...lines.map((l) => owner(l).length));
  for (const l of lines) out.push(`  ${owner(l).padEnd(width)}  ${l.spec.name} ${l.args.map(quoteArg).join(" ")}  (${where(l)})`);

  out.push("", "Phases (modules with work here, in the order they run):");
  for (const phase of Object.keys(HOOK_PHASES) as HookPhase[]) {
    const from = phase === "postRead" || phase === "translate" ? server.plans.top : phase === "mapToStorage" ? locationPlan : plan;
    const names = from.hooks(phase).map((h) => h.module);
    out.push(`  ${phase.padEnd(13)} ${names.length ? names.join(", ") : "-"}`);
  }
  const handler = plan.core.handlerFor(filename);
  const named = handler ? site.modules.handler(handler) : undefined;
  out.push(`  ${"content".padEnd(13)} ${named ? `${handler} (module ${named.module.name})` : `${DEFAULT_HANDLER}${handler ? ` ('${handler}' is no module's handler)` : ""}`}`);
  return out.join("\n") + "\n";
}

function where(at: { file: string; line: number }): string {
  return `${path.basename(at.file)}:${at.line}`;
}

function sectionName(s: Section): string {
  const kind = { directory: "Directory", files: "Files", location: "Location" }[s.kind];
  return s.isMatch ? `<${kind}Match ${s.regex?.source ?? s.pattern}>` : `<${kind} ${s.pattern}>`;
}

function quoteArg(a: string): string {
  return a === "" || /[\s"]/.test(a) ? JSON.stringify(a) : a;
}
