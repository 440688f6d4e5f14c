import * as http from "node:http";
import { APLOG_INFO, HTTP_SERVICE_UNAVAILABLE, OK } from "../constants";
import { TsmodError } from "../errors";
import { autoReloadOn } from "../loader";
import { HOP_BY_HOP, type Request } from "../request";
import { urlBelowMount } from "./app-request";
import type { DaemonGroup, DaemonProcess } from "./daemon-group";
import { DAEMON_HEADERS, DAEMON_HEADER_NAMES } from "./daemon-protocol";
import type { AppMount } from "./directives";

/** The request as the daemon process gets it: headers as earlier phases left them, and who it is for. */
function forwardedHeaders(req: Request, mount: AppMount): string[] {
  const out: string[] = [];
  for (const [name, value] of req.headersIn) {
    const key = name.toLowerCase();
    if (!HOP_BY_HOP.has(key) && !DAEMON_HEADER_NAMES.has(key) && key !== "content-length") out.push(name, value);
  }
  const length = req.raw.headers["content-length"];
  if (req.raw.headers["transfer-encoding"] !== undefined) out.push("Transfer-Encoding", "chunked");
  else if (length !== undefined) out.push("Content-Length", length);
  out.push(DAEMON_HEADERS.file, mount.file, DAEMON_HEADERS.mount, mount.prefix, DAEMON_HEADERS.originalUrl, req.unparsedUri);
  if (mount.exportName) out.push(DAEMON_HEADERS.exportName, mount.exportName);
  if (req.user !== null) out.push(DAEMON_HEADERS.user, req.user);
  if (!autoReloadOn(req._state.plan.core.settings)) out.push(DAEMON_HEADERS.autoReload, "0");
  return out;
}

class DaemonFailure extends Error {}

/**
 * The content step of an app in a daemon group: the request (its body read through tsmod, so
 * `LimitRequestBody` holds, with backpressure both ways) goes to one of the group's processes
 * over its Unix socket and the answer comes back through tsmod's output. A process that dies,
 * or takes longer than the request timeout (then it is killed), answers 503 and is replaced;
 * after the first byte the client's connection is cut instead.
 */
export async function serveInGroup(req: Request, mount: AppMount, group: DaemonGroup): Promise<number> {
  const member = await group.pick();
  member.inFlight++;
  const timeoutMs = (group.spec.requestTimeout ?? req.server.timeout) * 1000;
  try {
    await exchange(req, mount, member, group, timeoutMs);
    return OK;
  } catch (e) {
    const outcome = (e as Error).message;
    // The client's own fault (a body too large or too slow): its status, as for any handler.
    if (e instanceof TsmodError && !req.headersSent) {
      req._state.output.discard();
      return e.status;
    }
    if (!(e instanceof DaemonFailure)) throw e;
    req.notes.set("error-notes", outcome);
    req.logError(`${req.uri}: daemon group ${group.spec.name}: ${outcome}`, APLOG_INFO);
    if (req.headersSent) {
      req.rawResponse.destroy();
      return OK;
    }
    req._state.output.discard();
    return HTTP_SERVICE_UNAVAILABLE;
  } finally {
    group.done(member);
  }
}

function exchange(req: Request, mount: AppMount, member: DaemonProcess, group: DaemonGroup, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopExit();
      if (error) {
        upstream.destroy();
        reject(error);
      } else resolve();
    };
    const stopExit = member.onExit((reason) => finish(new DaemonFailure(`the process ${reason} during the request`)));
    const timer = setTimeout(() => {
      group.fail(member, `took longer than its request timeout (${timeoutMs / 1000} s)`);
      finish(new DaemonFailure(`no answer within the request timeout (${timeoutMs / 1000} s)`));
    }, timeoutMs);
    const upstream = http.request({ socketPath: member.socketPath, method: req.method, path: urlBelowMount(req, mount), headers: forwardedHeaders(req, mount), agent: member.agent });
    upstream.on("error", (e) => finish(new DaemonFailure(`lost the process: ${e.message}`)));
    upstream.on("response", (res) => {
      relay(req, res).then(
        () => finish(),
        (e: Error) => finish(e instanceof DaemonFailure ? e : new DaemonFailure(`the response broke off: ${e.message}`)),
      );
    });
    sendBody(req, upstream).catch((e: Error) => finish(e));
  });
}

/** The request body, read through tsmod (input filters, LimitRequestBody), written with backpressure. */
async function sendBody(req: Request, upstream: http.ClientRequest): Promise<void> {
  const h = req.raw.headers;
  if (h["transfer-encoding"] !== undefined || (h["content-length"] !== undefined && h["content-length"] !== "0")) {
    for (;;) {
      const chunk = await req.read(64 * 1024);
      if (chunk.length === 0) break;
      if (!upstream.write(chunk)) await new Promise((resolve) => upstream.once("drain", resolve));
    }
  }
  upstream.end();
}

/** The app's status, headers and body, on through the request's output. */
async function relay(req: Request, res: http.IncomingMessage): Promise<void> {
  req.status = res.statusCode ?? 502;
  if (res.statusMessage && res.statusMessage !== http.STATUS_CODES[req.status]) req.statusLine = res.statusMessage;
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(key) || key === "date") continue;
    if (key === "content-type") req.contentType = raw[i + 1];
    else req.headersOut.add(raw[i], raw[i + 1]);
  }
  for await (const chunk of res) await req.write(chunk as Buffer);
  if (!res.complete) throw new DaemonFailure("the process broke off its response");
}
