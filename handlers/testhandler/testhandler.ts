import * as fs from "node:fs";
import { AP_MPMQ_IS_FORKED, AP_MPMQ_MAX_DAEMONS, AP_MPMQ_STATIC, OK, SERVER_SOFTWARE } from "../../platform/constants";
import { configTree, escapeHtml, mpmQuery, type ConfigNode, type Request, type Table } from "../../platform";

/** Lines of the error log `?view_log=1` shows (mod_python's testhandler showed 100). */
const LOG_LINES = 100;

/**
 * `tsmod/testhandler` (mod_python.testhandler): a diagnostic page of the request, connection,
 * server, configuration, options and environment. Like the original it shows configuration
 * and logs: for development, never on a public server. Unlike it, every value is escaped.
 */
export async function handler(req: Request): Promise<number> {
  const logFile = req.server.errorFname;
  if (new URLSearchParams(req.args ?? "").get("view_log") === "1") {
    req.contentType = "text/plain; charset=utf-8";
    await req.write(tailOf(logFile));
    return OK;
  }
  req.addCommonVars();
  req.contentType = "text/html; charset=utf-8";
  const forked = mpmQuery(AP_MPMQ_IS_FORKED) === AP_MPMQ_STATIC;
  const logLink = isFile(logFile) ? ` (<a href="?view_log=1">last ${LOG_LINES} lines</a>)` : "";
  const general: Array<[string, string]> = [
    ["Server", `${SERVER_SOFTWARE} on Node.js ${process.version}`],
    ["Processes", forked ? `${mpmQuery(AP_MPMQ_MAX_DAEMONS)} workers, one event loop each` : "one process, one event loop"],
    ["ServerRoot", req.server.serverRoot],
    ["DocumentRoot", req.documentRoot()],
    ["Error log", logFile],
    ["Interpreter", req.interpreter],
    ["Module search path (TsPath)", req.getConfig().get("TsPath") ?? "(the handler's folder, DocumentRoot, ServerRoot)"],
  ];
  const request: Array<[string, string]> = [
    ["method", req.method],
    ["uri", req.uri],
    ["unparsedUri", req.unparsedUri],
    ["args", req.args ?? ""],
    ["protocol", req.protocol],
    ["hostname", req.hostname],
    ["filename", req.filename ?? ""],
    ["pathInfo", req.pathInfo],
    ["handler", req.handler ?? ""],
    ["phase", req.phase ?? ""],
    ["user", req.user ?? ""],
  ];
  const c = req.connection;
  const connection: Array<[string, string]> = [
    ["remoteIp", c.remoteIp],
    ["remotePort", String(c.remotePort)],
    ["localIp", c.localIp],
    ["localPort", String(c.localPort)],
    ["id", String(c.id)],
    ["keepalives", String(c.keepalives)],
  ];
  const s = req.server;
  const server: Array<[string, string]> = [
    ["serverHostname", s.serverHostname],
    ["names", s.names.join(" ")],
    ["wildNames", s.wildNames.join(" ")],
    ["isVirtual", String(s.isVirtual)],
    ["serverAdmin", s.serverAdmin],
    ["timeout", String(s.timeout)],
    ["keepAliveTimeout", String(s.keepAliveTimeout)],
    ["defined at", `${s.defnName}:${s.defnLineNumber}`],
  ];
  const html = [
    `<!DOCTYPE html><html><head><title>tsmod test handler</title></head><body>`,
    `<h1>tsmod test handler</h1>`,
    section("General information", rows(general).replace(`<td>${escapeHtml(logFile)}</td>`, `<td>${escapeHtml(logFile)}${logLink}</td>`)),
    section("Request", rows(request)),
    section("Request headers (req.headersIn)", rows(entries(req.headersIn))),
    section("Environment (req.subprocessEnv)", rows(entries(req.subprocessEnv))),
    section("Configuration (req.getConfig())", rows(entries(req.getConfig()))),
    section("Options (req.getOptions())", rows(entries(req.getOptions()))),
    section("Notes (req.notes)", rows(entries(req.notes))),
    section("Connection (req.connection)", rows(connection)),
    section("Server (req.server)", rows(server)),
    section("Server configuration (req.server.getConfig())", rows(entries(s.getConfig()))),
    section("Server options (req.server.getOptions())", rows(entries(s.getOptions()))),
    section("Configuration tree (configTree())", `<pre>${escapeHtml(treeText(configTree(), ""))}</pre>`),
    `</body></html>\n`,
  ];
  await req.write(html.join("\n"));
  return OK;
}

function entries(t: Table): Array<[string, string]> {
  return [...t];
}

function rows(list: ReadonlyArray<readonly [string, string]>): string {
  if (list.length === 0) return "<p><em>(empty)</em></p>";
  return `<table>${list.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")}</table>`;
}

function section(title: string, body: string): string {
  return `<h2>${escapeHtml(title)}</h2>\n${body}`;
}

function treeText(nodes: ConfigNode[], indent: string): string {
  return nodes.map(([name, value]) => (typeof value === "string" ? `${indent}${name} ${value}\n` : `${indent}${name}\n${treeText(value, indent + "  ")}`)).join("");
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function tailOf(file: string): string {
  if (!isFile(file)) return `The error log (${file}) is not a file.\n`;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.slice(-LOG_LINES).join("\n") + "\n";
}
