import * as fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as path from "node:path";
import type { TLSSocket } from "node:tls";
import { AP_REQ_DEFAULT_PATH_INFO, APLOG_ERR, OK, PROXYREQ_NONE, REMOTE_DOUBLE_REV, REMOTE_HOST, REMOTE_NAME, SERVER_SOFTWARE } from "../constants";
import { finfoOf, type Finfo } from "../finfo";
import { parseHandlerSpec, phaseByDirective, requireLines, type HandlerEntry } from "../core";
import { parseCookies, sealCookieValue, serializeCookie, signCookie, unsealCookieValue, verifySignedCookie, type CookieOptions } from "../cookies";
import { ErrorCode, TsmodError } from "../errors";
import type { FieldStorage } from "../forms";
import { Table } from "../table";
import { parseBasicAuth } from "./basic-auth";
import { httpStatus, stringOrNull } from "./property-checks";
import { requestSecret } from "./request-cookies";
import { readForm } from "./request-form";
import { bodyDeadline } from "./body-deadline";
import { BodyReader } from "./body-reader";
import { dropConnectionOptions } from "./hop-by-hop";
import type { BodySink, Output, OutputChain, ResponseHead } from "./output";
import type { AccessLookup, AccessTarget, RequestState } from "./request-state";
import type { SessionLike } from "./session-like";
import { optionsTable, type ConnectionInfo, type ServerInfo } from "./server-info";

export interface RequestInit {
  readonly raw: IncomingMessage;
  readonly state: RequestState;
  readonly server: ServerInfo;
  readonly connection: ConnectionInfo;
  readonly method: string;
  readonly uri: string;
  readonly unparsedUri: string;
  readonly args: string | null;
  readonly hostname: string;
  readonly port: number;
  readonly isHttps: boolean;
  /**
   * The name and port self-referential URLs use (`constructUrl`): the client's (`UseCanonicalName
   * Off`) or the server's own (`On`). Default: `hostname` and `port`.
   */
  readonly selfName?: string;
  readonly selfPort?: number;
  readonly prev: Request | null;
  /** The request a sub-request is made for (`lookupAccess`, `include virtual`). */
  readonly mainRequest?: Request | null;
}

/** The handler being run: mod_python's `req.hlist`. */
export interface HandlerInfo {
  readonly handler: string;
  readonly directory: string | null;
  readonly silent: boolean;
  readonly isLocation: boolean;
}

/**
 * The request object every handler receives: mod_python's `request` with camelCase names.
 * One object per request (and one per internal redirect), passed to every phase, so
 * properties a handler sets stay visible to later phases.
 */
/** Absolute, no `.`/`..` segment, no `//`, no trailing slash: `path.resolve` would not change it. */
const CLEAN_ABSOLUTE = /^(?:\/(?!\.\.?(?:\/|$))[^/]+)+$/;

export class Request implements ResponseHead {
  readonly raw: IncomingMessage;
  readonly method: string;
  uri: string;
  readonly unparsedUri: string;
  args: string | null;
  readonly hostname: string;
  readonly headerOnly: boolean;
  readonly requestTime: number;
  private headersInTable: Table | null;
  readonly server: ServerInfo;
  readonly connection: ConnectionInfo;
  readonly prev: Request | null;
  next: Request | null = null;
  /** On a sub-request (`lookupAccess`, `include virtual`), the request it is made for; null otherwise. */
  readonly mainRequest: Request | null;

  filename: string | null = null;
  pathInfo = "";
  /** The `| .ext` extension the handler lists were chosen by. */
  extension = "";
  // The response's head and the request's identity are checked as they are set (see
  // property-checks.ts): a wrong type is a TypeError at the handler's own line.
  private statusValue = 200;
  private statusLineValue: string | null = null;
  private contentTypeValue: string | null = null;
  private handlerValue: string | null = null;
  private userValue: string | null = null;
  private apAuthTypeValue: string | null = null;
  readonly headersOut = new Table();
  private errTable: Table | null = null;
  private notesTable: Table | null = null;
  private envTable: Table | null = null;
  /** Directive name of the phase now running, e.g. "TsHandler"; null between phases. */
  phase: string | null = null;
  interpreter = "";
  hlist: HandlerInfo | null = null;
  /** Modification time (seconds) used by `setLastModified` / `setEtag`. */
  mtime = 0;
  noCache = false;
  allowedMethods: string[] = [];

  /** @internal shared with the phases; not part of the public API. */
  readonly _state: RequestState;
  /** The port the client addressed (from Host), else the one it connected to. */
  readonly port: number;
  private readonly https: boolean;
  /** @internal what `constructUrl` names (see RequestInit). */
  readonly selfName: string;
  /** @internal */
  readonly selfPort: number;

  constructor(init: RequestInit) {
    this.raw = init.raw;
    this._state = init.state;
    this.server = init.server;
    this.connection = init.connection;
    this.method = init.method;
    this.uri = init.uri;
    this.unparsedUri = init.unparsedUri;
    this.args = init.args;
    this.hostname = init.hostname;
    this.port = init.port;
    this.https = init.isHttps;
    this.selfName = init.selfName ?? init.hostname;
    this.selfPort = init.selfPort ?? init.port;
    this.prev = init.prev;
    this.mainRequest = init.mainRequest ?? null;
    this.headerOnly = init.method === "HEAD";
    this.requestTime = Date.now() / 1000;
    this.headersInTable = init.prev ? init.prev.headersIn : null;
  }

  get status(): number {
    return this.statusValue;
  }
  set status(value: number) {
    this.statusValue = httpStatus(value);
  }
  get statusLine(): string | null {
    return this.statusLineValue;
  }
  set statusLine(value: string | null) {
    this.statusLineValue = stringOrNull("statusLine", value);
  }
  get contentType(): string | null {
    return this.contentTypeValue;
  }
  set contentType(value: string | null) {
    this.contentTypeValue = stringOrNull("contentType", value);
  }
  get handler(): string | null {
    return this.handlerValue;
  }
  set handler(value: string | null) {
    this.handlerValue = stringOrNull("handler", value);
  }
  get user(): string | null {
    return this.userValue;
  }
  set user(value: string | null) {
    this.userValue = stringOrNull("user", value);
  }
  get apAuthType(): string | null {
    return this.apAuthTypeValue;
  }
  set apAuthType(value: string | null) {
    this.apAuthTypeValue = stringOrNull("apAuthType", value);
  }

  get protocol(): string {
    return `HTTP/${this.raw.httpVersion}`;
  }

  /** The request line, as the client sent it. */
  get theRequest(): string {
    return `${this.method} ${this.unparsedUri} ${this.protocol}`;
  }

  /**
   * Headers that go out with every response, error pages included (Apache's
   * `err_headers_out`); made on first use, as most requests set none.
   */
  get errHeadersOut(): Table {
    this.errTable ??= new Table();
    return this.errTable;
  }

  /** @internal `errHeadersOut` if anything made it, else null: the output reads it without making one. */
  get _errHeaders(): Table | null {
    return this.errTable;
  }

  /** Notes for later phases and the log (`%{name}n`); made on first use, like the two below. */
  get notes(): Table {
    this.notesTable ??= new Table();
    return this.notesTable;
  }

  get subprocessEnv(): Table {
    this.envTable ??= new Table();
    return this.envTable;
  }

  /**
   * The request headers: case-insensitive, multi-valued (built on first use), without those
   * the client's `Connection` header names (see `dropConnectionOptions`).
   */
  get headersIn(): Table {
    this.headersInTable ??= tableFromRaw(this.raw.rawHeaders);
    return this.headersInTable;
  }

  /** The raw Node response, for the rare case (tsmod never patches it). */
  get rawResponse(): ServerResponse {
    return this.out.raw;
  }

  get bytesSent(): number {
    return this.out.bytesWritten;
  }

  /** True once the status line and headers have gone to the client. */
  get headersSent(): boolean {
    return this.out.headersSent;
  }

  private get out(): Output {
    return this._state.output;
  }

  // ---- output -------------------------------------------------------------------------

  /** Queues data for the client; the promise resolves when it has been accepted (backpressure). */
  write(data: string | Uint8Array): Promise<void> {
    return this.out.write(data);
  }

  /** Sends the headers and everything written so far. */
  flush(): Promise<void> {
    return this.out.flush();
  }

  /** Sends a file (or part of it) as (part of) the body; returns the number of bytes sent. */
  async sendfile(file: string, offset = 0, length = -1): Promise<number> {
    let size: number;
    try {
      size = (await fs.promises.stat(file)).size;
    } catch (e) {
      throw new TsmodError(ErrorCode.SENDFILE, `sendfile: cannot stat ${file}: ${(e as Error).message}`);
    }
    const end = length < 0 ? size : Math.min(size, offset + length);
    if (end <= offset) return 0;
    let sent = 0;
    for await (const chunk of fs.createReadStream(file, { start: offset, end: end - 1, highWaterMark: 64 * 1024 })) {
      await this.out.write(chunk as Buffer);
      sent += (chunk as Buffer).length;
    }
    return sent;
  }

  /** Sets Content-Length (meaningful only before output starts). */
  setContentLength(length: number): void {
    this.headersOut.set("Content-Length", String(length));
  }

  /** @internal called by the output just before the status line goes out. */
  prepareHeaders(): void {
    if (!this.headersOut.has("server")) this.headersOut.set("Server", SERVER_SOFTWARE);
    if (this.noCache) {
      // Expires equal to Date (Apache's way); Date set here so the two cannot straddle a second.
      const now = new Date().toUTCString();
      this.headersOut.set("Date", now);
      this.headersOut.set("Expires", now);
      this.headersOut.set("Cache-Control", "no-cache");
    }
    this._state.runtime.beforeHeaders(this);
  }

  /** @internal called by the output at the first body byte. */
  startOutputFilters(sink: BodySink, onFailure: (error: Error) => void): OutputChain | null {
    return this._state.runtime.services.outputChain(this, sink, onFailure);
  }

  // ---- filters ------------------------------------------------------------------------

  /** Runs the response body through the registered output filter `name` (before the body starts). */
  addOutputFilter(name: string): void {
    this._state.runtime.services.addFilter(this, "output", name, this.out.bodyStarted);
  }

  /** Registers `handler` (`module[::fn]`, default fn `outputfilter`) as output filter `name` for this request. */
  registerOutputFilter(name: string, handler: string, directory?: string): void {
    this._state.runtime.services.registerFilter(this, "output", name, handler, directory);
  }

  /** Runs the request body through the registered input filter `name` (before the body is read). */
  addInputFilter(name: string): void {
    const services = this._state.runtime.services;
    services.addFilter(this, "input", name, services.requestBodyStarted(this));
  }

  /** Registers `handler` (`module[::fn]`, default fn `inputfilter`) as input filter `name` for this request. */
  registerInputFilter(name: string, handler: string, directory?: string): void {
    this._state.runtime.services.registerFilter(this, "input", name, handler, directory);
  }

  // ---- input --------------------------------------------------------------------------

  private get body(): BodyReader {
    const s = this._state;
    s.body ??= new BodyReader(s.runtime.services.requestBody(this), s.plan.core.bodyLimit, bodyDeadline(this));
    return s.body;
  }

  /** Up to `size` bytes of the body; everything left when omitted. Empty at the end. */
  read(size?: number): Promise<Buffer> {
    return this.body.read(size);
  }

  readline(limit?: number): Promise<Buffer> {
    return this.body.readline(limit);
  }

  readlines(sizeHint?: number): Promise<Buffer[]> {
    return this.body.readlines(sizeHint);
  }

  async discardRequestBody(): Promise<number> {
    await this.body.discard();
    return OK;
  }

  // ---- flow ---------------------------------------------------------------------------

  /** Runs the phases again for `uri`; its output joins this response. `req.prev` is this request. */
  internalRedirect(uri: string): Promise<void> {
    return this._state.runtime.internalRedirect(this, uri);
  }

  /**
   * Would another request (same headers and connection, another URL, method or host) pass the
   * access, authentication and authorization checks of its sections? Runs them in a sub-request
   * (Apache's `ap_sub_req_method_uri`), never its content handler. Forward-auth is built on it.
   */
  lookupAccess(target: AccessTarget): Promise<AccessLookup> {
    return this._state.runtime.lookupAccess(this, target);
  }

  /**
   * Adds a handler to a phase: to the running list when it is the phase now running, else
   * after the configured handlers of that phase. `directory` is where the module is looked
   * up first (default: the current handler's folder).
   */
  addHandler(phase: string, handler: string, directory?: string): void {
    const spec = phaseByDirective(phase);
    if (!spec || !spec.addable) throw new TsmodError(ErrorCode.INVALID_PHASE, `addHandler: invalid phase '${phase}'`);
    let parsed: { module: string; func: string | null };
    try {
      parsed = parseHandlerSpec(handler.trim());
    } catch (e) {
      throw new TsmodError(ErrorCode.HANDLER_SPEC, `addHandler: ${(e as Error).message}`);
    }
    const dir = directory !== undefined ? path.resolve(directory).replace(/\/*$/, "/") : (this.hlist?.directory ?? null);
    const entry: HandlerEntry = { ...parsed, directory: dir, isLocation: false, silent: false, file: null, line: 0 };
    const s = this._state;
    const running = s.running;
    if (running && running.directive === spec.directive) {
      if (!running.owned) {
        running.list = [...running.list];
        running.owned = true;
      }
      running.list.push(entry);
      return;
    }
    const added = (s.added ??= new Map());
    const list = added.get(spec.directive);
    if (list) list.push(entry);
    else added.set(spec.directive, [entry]);
  }

  /** Calls `fn(data)` after the response has been sent; errors are logged. */
  registerCleanup<T>(fn: (data: T) => unknown, data?: T): void {
    this._state.cleanups.push(() => fn(data as T));
  }

  logError(message: string, level: number = APLOG_ERR): void {
    this._state.runtime.errorLog.log(message, level || APLOG_ERR, `${this.connection.remoteIp}:${this.connection.remotePort}`);
  }

  // ---- configuration ------------------------------------------------------------------

  /** `TsOption` values in effect here; keys set to "" are unset. */
  getOptions(): Table {
    return optionsTable(this._state.plan.core.options);
  }

  /** Non-handler tsmod directives in effect: `TsDebug` → "1"/"0", `TsAutoReload`, `TsPath`, ... */
  getConfig(): Table {
    return new Table(this._state.plan.core.settings);
  }

  /** A module's per-directory config in effect here (`undefined` for a module not loaded). */
  moduleConfig(name: string): unknown {
    return this._state.plan.moduleConfig(name);
  }

  documentRoot(): string {
    return this.server.documentRoot;
  }

  authType(): string | null {
    return this._state.plan.core.authType || null;
  }

  authName(): string | null {
    return this._state.plan.core.authName ?? null;
  }

  /** The `Require` lines in effect, each as one string (`"valid-user"`, `"user a b"`). */
  requires(): string[] {
    return requireLines(this._state.plan.core.requires);
  }

  // ---- auth ---------------------------------------------------------------------------

  /** The Basic-auth password (setting `req.user` to the user name), or null without one. */
  getBasicAuthPw(): string | null {
    const creds = parseBasicAuth(this.headersIn.get("authorization"));
    if (!creds) return null;
    this.user = creds.user;
    this.apAuthType ??= "Basic";
    return creds.password;
  }

  // ---- URLs and caching ---------------------------------------------------------------

  isHttps(): boolean {
    return this.https;
  }

  /** An absolute URL for `uri` on this server, named as the client named it. */
  constructUrl(uri: string): string {
    const scheme = this.https ? "https" : "http";
    const defaultPort = this.https ? 443 : 80;
    const name = this.selfName;
    const host = name.includes(":") && !name.startsWith("[") ? `[${name}]` : name;
    return `${scheme}://${host}${this.selfPort === defaultPort ? "" : `:${this.selfPort}`}${uri}`;
  }

  /** Sets the methods listed in `Allow` on a 405/501 answer (no enforcement, as mod_python). */
  allowMethods(methods: Iterable<string>, reset = false): void {
    this.allowedMethods = reset ? [...methods] : [...this.allowedMethods, ...methods];
  }

  /** Moves `req.mtime` forward to `seconds` (never back). */
  updateMtime(seconds: number): void {
    if (seconds > this.mtime) this.mtime = seconds;
  }

  setLastModified(): void {
    this.headersOut.set("Last-Modified", new Date(Math.floor(this.mtime) * 1000).toUTCString());
  }

  /** A strong validator from the file's identity and size, or from `mtime` alone. */
  setEtag(): string {
    const f = this._state.finfo;
    const tag = f ? `"${f.ino.toString(16)}-${f.size.toString(16)}-${Math.floor(f.mtimeMs * 1000).toString(16)}"` : `"${Math.floor(this.mtime * 1e6).toString(16)}"`;
    this.headersOut.set("ETag", tag);
    return tag;
  }

  /**
   * Evaluates the conditional request headers against the ETag and Last-Modified set so far:
   * OK to go on, or the status to answer (304 or 412).
   */
  meetsConditions(): number {
    const etag = this.headersOut.get("etag");
    const lastModified = this.headersOut.get("last-modified");
    const modified = lastModified ? Date.parse(lastModified) : NaN;
    const safe = this.method === "GET" || this.method === "HEAD";
    const ifMatch = this.headersIn.get("if-match");
    if (ifMatch && ifMatch.trim() !== "*" && !(etag && listHasTag(ifMatch, etag, true))) return 412;
    const ifUnmodified = this.headersIn.get("if-unmodified-since");
    if (!ifMatch && ifUnmodified && !Number.isNaN(modified) && modified > Date.parse(ifUnmodified)) return 412;
    const ifNoneMatch = this.headersIn.get("if-none-match");
    if (ifNoneMatch) {
      if (ifNoneMatch.trim() === "*" || (etag && listHasTag(ifNoneMatch, etag, false))) return safe ? 304 : 412;
      return OK;
    }
    const ims = this.headersIn.get("if-modified-since");
    if (safe && ims && !Number.isNaN(modified) && modified <= Date.parse(ims)) return 304;
    return OK;
  }

  // ---- the rest of mod_python's request members ---------------------------------------

  /** `proxyreq`: PROXYREQ_NONE, or what a module doing proxy work sets. */
  proxyreq = PROXYREQ_NONE;
  /** `used_path_info` (AcceptPathInfo's setting for this request); informational. */
  usedPathInfo = AP_REQ_DEFAULT_PATH_INFO;
  /** `vlist_validator`: tsmod does no content negotiation, so null unless a handler sets it. */
  vlistValidator: string | null = null;
  private canonical: string | null = null;

  /**
   * `parsed_uri`: [scheme, hostinfo, user, password, hostname, port, path, query, fragment]
   * (indexes URI_SCHEME ... URI_FRAGMENT); the authority parts are set only for an absolute
   * request URI (a proxy request).
   */
  get parsedUri(): readonly [string | null, string | null, string | null, string | null, string | null, number | null, string, string | null, string | null] {
    const abs = /^([a-z][a-z0-9+.-]*):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?/i.exec(this.unparsedUri);
    const hash = this.unparsedUri.indexOf("#");
    const fragment = hash >= 0 ? this.unparsedUri.slice(hash + 1) : null;
    if (!abs) return [null, null, null, null, null, null, this.uri, this.args, fragment];
    const hostinfo = abs[0].slice(abs[1].length + 3);
    return [abs[1], hostinfo, abs[2] ?? null, abs[3] ?? null, abs[4], abs[5] ? Number(abs[5]) : null, this.uri, this.args, fragment];
  }

  /** `finfo`: the file `filename` names as tsmod found it (null before the mapping, or when there is none). */
  get finfo(): Finfo | null {
    const st = this._state.finfo;
    return st && this.filename ? finfoOf(this.filename, st) : null;
  }

  /** `canonical_filename`: `filename` unless a handler sets another. */
  get canonicalFilename(): string | null {
    return this.canonical ?? this.filename;
  }

  set canonicalFilename(value: string | null) {
    this.canonical = value;
  }

  /** `clength`: the Content-Length set for the response, 0 when none is. */
  get clength(): number {
    return Number(this.headersOut.get("Content-Length") ?? 0) || 0;
  }

  /** `chunked`: whether the response body goes out in chunked encoding (known once the headers are out). */
  get chunked(): boolean {
    return (this.out.raw as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true;
  }

  /** `range`: the request's Range header, or null. */
  get range(): string | null {
    return this.headersIn.get("Range") ?? null;
  }

  /** `content_encoding`: the response's Content-Encoding, or null. */
  get contentEncoding(): string | null {
    return this.headersOut.get("Content-Encoding") ?? null;
  }

  /** `content_languages`: the response's Content-Language values. */
  get contentLanguages(): string[] {
    return (this.headersOut.get("Content-Language") ?? "").split(",").map((l) => l.trim()).filter(Boolean);
  }

  /** `sent_bodyct`: 1 once body bytes have gone to the client, else 0. */
  get sentBodyct(): number {
    return this.out.bytesSent > 0 ? 1 : 0;
  }

  /** `eos_sent`: true once the response is complete. */
  get eosSent(): boolean {
    return this.out.finished;
  }

  /**
   * `get_remote_host(type, str_is_ip)`: tsmod does no DNS lookups (Apache's HostnameLookups
   * Off), so REMOTE_NAME and REMOTE_NOLOOKUP answer the address and REMOTE_HOST and
   * REMOTE_DOUBLE_REV null; with `strIsIp`, `[host, isIp]`.
   */
  getRemoteHost(type?: number): string | null;
  getRemoteHost(type: number, strIsIp: true): [string | null, boolean];
  getRemoteHost(type = REMOTE_NAME, strIsIp = false): string | null | [string | null, boolean] {
    const host = type === REMOTE_HOST || type === REMOTE_DOUBLE_REV ? null : this.connection.remoteIp;
    return strIsIp ? [host, host !== null] : host;
  }

  /** `get_addhandler_exts()`: the extensions of `filename` that `AddHandler` maps. */
  getAddhandlerExts(): string[] {
    return this.filename ? this._state.plan.core.addHandlerExtensions(this.filename) : [];
  }

  /**
   * `ssl_var_lookup(name)`: mod_ssl's variables for a TLS connection (HTTPS, SSL_PROTOCOL,
   * SSL_CIPHER, SSL_CLIENT_S_DN_CN, SSL_SERVER_S_DN_CN, SSL_SESSION_RESUMED); null without TLS
   * or for a variable tsmod does not know.
   */
  sslVarLookup(name: string): string | null {
    const tls = this.raw.socket as Partial<TLSSocket>;
    if (typeof tls.getProtocol !== "function") return name === "HTTPS" ? "off" : null;
    const t = tls as TLSSocket;
    switch (name) {
      case "HTTPS":
        return "on";
      case "SSL_PROTOCOL":
        return t.getProtocol();
      case "SSL_CIPHER":
        return t.getCipher()?.name ?? null;
      case "SSL_CLIENT_S_DN_CN":
        return (t.getPeerCertificate()?.subject?.CN as string | undefined) ?? null;
      case "SSL_SERVER_S_DN_CN":
        return (t.getCertificate() as { subject?: { CN?: string } } | null)?.subject?.CN ?? null;
      case "SSL_SESSION_RESUMED":
        return t.isSessionReused() ? "Resumed" : "Initial";
      default:
        return null;
    }
  }

  /** `send_http_header()`: a no-op kept for old code; headers go out with the first body bytes. */
  sendHttpHeader(): void {}

  // ---- CGI variables ------------------------------------------------------------------

  /** Adds the common CGI variables to `subprocessEnv` (Apache's `ap_add_common_vars`). */
  addCommonVars(): void {
    const env = this.subprocessEnv;
    for (const [k, v] of this.headersIn) {
      const name = "HTTP_" + k.toUpperCase().replace(/-/g, "_");
      if (name !== "HTTP_AUTHORIZATION" && name !== "HTTP_PROXY") env.set(name, v);
    }
    env.set("SERVER_SOFTWARE", SERVER_SOFTWARE);
    env.set("SERVER_NAME", this.server.serverHostname);
    env.set("SERVER_ADDR", this.connection.localIp);
    env.set("SERVER_PORT", String(this.port));
    env.set("REMOTE_ADDR", this.connection.remoteIp);
    env.set("REMOTE_PORT", String(this.connection.remotePort));
    env.set("DOCUMENT_ROOT", this.documentRoot());
    env.set("SERVER_ADMIN", this.server.serverAdmin);
    env.set("REQUEST_SCHEME", this.https ? "https" : "http");
    if (this.filename) env.set("SCRIPT_FILENAME", this.filename);
  }

  /** The common variables plus the request-specific CGI/1.1 ones. */
  addCgiVars(): void {
    this.addCommonVars();
    const env = this.subprocessEnv;
    env.set("GATEWAY_INTERFACE", "CGI/1.1");
    env.set("SERVER_PROTOCOL", this.protocol);
    env.set("REQUEST_METHOD", this.method);
    env.set("QUERY_STRING", this.args ?? "");
    env.set("REQUEST_URI", this.unparsedUri);
    env.set("SCRIPT_NAME", this.pathInfo && this.uri.endsWith(this.pathInfo) ? this.uri.slice(0, -this.pathInfo.length) : this.uri);
    if (this.pathInfo) env.set("PATH_INFO", this.pathInfo);
  }

  // ---- forms and cookies --------------------------------------------------------------

  /**
   * The form fields of the query string and the body (urlencoded or multipart), parsed once
   * per request. Call it before reading the body yourself: after `req.read()` it throws.
   */
  form(): Promise<FieldStorage> {
    const form = readForm(this);
    return "then" in form ? form : Promise.resolve(form);
  }

  /** Cookies the client sent (name → value), from every Cookie header; bad pairs are skipped. */
  cookies(): Record<string, string> {
    const s = this._state;
    s.cookies ??= parseCookies(this.headersIn.getAll("cookie"));
    return s.cookies;
  }

  /**
   * Adds a Set-Cookie header. Cookies go with every response, redirects and error pages
   * included (they are kept in `errHeadersOut`), so a log-in that redirects keeps its cookie.
   */
  setCookie(name: string, value: string, options?: CookieOptions): void {
    this.addSetCookie(serializeCookie(name, value, options));
  }

  /** A cookie set with `setSignedCookie`, or undefined when absent or tampered with. */
  getSignedCookie(name: string): string | undefined {
    const value = this.cookies()[name];
    return value === undefined ? undefined : verifySignedCookie(name, value, requestSecret(this._state.plan.core.options));
  }

  /** Sets a cookie whose value is visible but HMAC-signed with `tsmod.secret`. */
  setSignedCookie(name: string, value: string, options?: CookieOptions): void {
    this.setCookie(name, signCookie(name, value, requestSecret(this._state.plan.core.options)), options);
  }

  /** A cookie set with `setSealedCookie`, decrypted; undefined when absent, expired or forged. */
  async getSealedCookie<T = unknown>(name: string, ttlSeconds?: number): Promise<T | undefined> {
    const value = this.cookies()[name];
    if (value === undefined) return undefined;
    return (await unsealCookieValue(value, requestSecret(this._state.plan.core.options), ttlSeconds === undefined ? undefined : { ttl: ttlSeconds })) as T | undefined;
  }

  /** Sets a cookie holding `data` encrypted and authenticated with `tsmod.secret` (iron). */
  async setSealedCookie(name: string, data: unknown, options?: CookieOptions & { ttl?: number }): Promise<void> {
    const { ttl, ...cookie } = options ?? {};
    const sealed = await sealCookieValue(data, requestSecret(this._state.plan.core.options), ttl === undefined ? undefined : { ttl });
    this.setCookie(name, sealed, cookie);
  }

  // ---- subsystems ---------------------------------------------------------------------

  /**
   * The exports of a site module (TypeScript or JavaScript), loaded through this request's
   * interpreter registry like handler modules are: one shared cache, and the same reloading.
   */
  importModule(filename: string): Record<string, unknown> {
    // A clean absolute path (the publisher's) is its own resolution.
    const resolved = CLEAN_ABSOLUTE.test(filename) ? filename : path.resolve(filename);
    return this._state.runtime.registry(this.interpreter).load(resolved);
  }

  /**
   * The request's session: loaded (or created) and locked on first use, the same object for
   * the rest of the request and its internal redirects, unlocked when the request ends.
   */
  getSession(): Promise<SessionLike> {
    return this._state.runtime.services.getSession(this);
  }

  /** Adds one Set-Cookie header value, kept for error responses and redirects too. */
  addSetCookie(headerValue: string): void {
    this.errHeadersOut.add("Set-Cookie", headerValue);
  }
}

function listHasTag(list: string, tag: string, strong: boolean): boolean {
  const bare = (t: string) => (strong ? t : t.replace(/^W\//, ""));
  if (strong && tag.startsWith("W/")) return false;
  return list.split(",").some((t) => {
    const candidate = t.trim();
    if (strong && candidate.startsWith("W/")) return false;
    return bare(candidate) === bare(tag);
  });
}

function tableFromRaw(raw: string[]): Table {
  const t = new Table();
  let authority: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    // HTTP/2's pseudo-headers are the request line, not headers; `:authority` is its Host.
    if (name.charCodeAt(0) === 0x3a /* : */) {
      if (name === ":authority") authority = raw[i + 1];
    } else t.add(name, raw[i + 1]);
  }
  if (authority !== undefined && !t.has("host")) t.set("Host", authority);
  dropConnectionOptions(t);
  return t;
}
