import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { APLOG_WARNING } from "../constants";
import type { ConfigValues, ParsedConfig, ParsedServer } from "../config";
import { BoundedMap } from "../bounded-map";
import { ErrorCode, TsmodError } from "../errors";
import { DEFAULT_FORM_LIMITS, type FormLimits } from "../forms";
import * as D from "./directives";
import { IpList } from "./ip-list";
import type { RequireRules } from "./require-rules";
import { Group, PidFile, UseCanonicalName, User, type CanonicalName } from "./process-directives";
import { Protocols } from "./tls-directives";
import { tlsSettings, type TlsSettings } from "./tls-settings";

/** The process-wide settings: only the main server's top level sets them. */
export class CoreMain {
  readonly listen: readonly D.ListenAddress[];
  readonly workers: number;
  /** Seconds a graceful stop or a retiring worker waits for its requests; 0 = no limit (Apache's). */
  readonly gracefulShutdownTimeout: number;
  readonly imports: readonly D.ImportEntry[];
  /** `PidFile`, or null: no PID file is written. */
  readonly pidFile: string | null;
  /** `User`/`Group`: whom the process becomes after binding when started as root; null: stays as it is. */
  readonly user: string | null;
  readonly group: string | null;

  constructor(readonly parsed: ParsedConfig) {
    const v = parsed.main.values;
    this.listen = v.get(D.Listen) ?? [];
    this.workers = v.get(D.Workers) ?? 1;
    this.gracefulShutdownTimeout = v.get(D.GracefulShutdownTimeout) ?? 0;
    this.imports = v.get(D.TsImport) ?? [];
    this.pidFile = v.get(PidFile) ?? null;
    this.user = v.get(User) ?? null;
    this.group = v.get(Group) ?? null;
  }
}

/** The main server or one `<VirtualHost>`: names, limits, timeouts, logs, as the core reads them. */
export class CoreServer {
  readonly isVirtual: boolean;
  readonly addresses: readonly string[];
  readonly serverName: string;
  readonly serverAliases: readonly string[];
  readonly serverAdmin: string;
  readonly documentRoot: string;
  readonly timeout: number;
  readonly keepAliveTimeout: number;
  /** `RequestReadTimeout header=...`; null when that stage is disabled (`header=0`). */
  readonly headerReadTimeout: D.ReadStage | null;
  /** `RequestReadTimeout body=...`; null when that stage is disabled (`body=0`). */
  readonly bodyReadTimeout: D.ReadStage | null;
  readonly limitRequestFields: number;
  readonly limitRequestFieldSize: number;
  readonly limitRequestLine: number;
  readonly errorLog: string;
  readonly logLevel: number;
  /** Settings written at this server's own level (for `req.server.getConfig()`). */
  readonly settings: ReadonlyMap<string, string>;
  readonly options: ReadonlyMap<string, string>;
  /** `RemoteIPHeader` (mod_remoteip), or null. */
  readonly remoteIpHeader: string | null;
  /** `RemoteIPTrustedProxy`: the peers whose forwarding headers are believed; null: none. */
  readonly trustedProxies: IpList | null;
  /** `SSLEngine on` and its certificate; null: the server speaks no TLS. */
  readonly tls: TlsSettings | null;
  /** `Protocols` (mod_http2), lower-case; Apache's default is `http/1.1` alone. */
  readonly protocols: readonly string[];
  readonly useCanonicalName: CanonicalName;
  readonly file: string;
  readonly line: number;

  constructor(
    readonly parsed: ParsedServer,
    readonly serverRoot: string,
  ) {
    const v = parsed.values;
    this.isVirtual = parsed.isVirtual;
    this.addresses = parsed.addresses;
    this.serverName = v.get(D.ServerName) ?? os.hostname();
    this.serverAliases = parsed.ownValues.get(D.ServerAlias) ?? [];
    this.serverAdmin = v.get(D.ServerAdmin) ?? "";
    this.documentRoot = v.get(D.DocumentRoot) ?? path.join(serverRoot, "htdocs");
    this.timeout = v.get(D.Timeout) ?? 60;
    this.keepAliveTimeout = v.get(D.KeepAliveTimeout) ?? 5;
    const stages = v.get(D.RequestReadTimeout) ?? {};
    this.headerReadTimeout = stages.header !== undefined ? stages.header : D.DEFAULT_HEADER_READ_TIMEOUT;
    this.bodyReadTimeout = stages.body !== undefined ? stages.body : D.DEFAULT_BODY_READ_TIMEOUT;
    this.limitRequestFields = v.get(D.LimitRequestFields) ?? 100;
    this.limitRequestFieldSize = v.get(D.LimitRequestFieldSize) ?? 8190;
    this.limitRequestLine = v.get(D.LimitRequestLine) ?? 8190;
    this.errorLog = v.get(D.ErrorLog) ?? "stderr";
    this.logLevel = v.get(D.LogLevel) ?? APLOG_WARNING;
    this.settings = settingsTable(v);
    this.options = v.get(D.TsOption) ?? new Map();
    this.remoteIpHeader = v.get(D.RemoteIPHeader) ?? null;
    const proxies = v.get(D.RemoteIPTrustedProxy);
    this.trustedProxies = proxies ? new IpList(proxies) : null;
    this.tls = tlsSettings(v);
    this.protocols = v.get(Protocols) ?? ["http/1.1"];
    this.useCanonicalName = v.get(UseCanonicalName) ?? "off";
    this.file = parsed.file;
    this.line = parsed.line;
  }
}

/** `TsOption tsmod.form.*` keys and the limits they set. */
const LIMIT_OPTIONS: Array<[string, keyof FormLimits]> = [
  ["tsmod.form.max_fields", "maxFields"],
  ["tsmod.form.max_field_size", "maxFieldSize"],
  ["tsmod.form.max_file_size", "maxFileSize"],
  ["tsmod.form.max_files", "maxFiles"],
];

export interface FormSettings {
  readonly limits: FormLimits;
  readonly tmpDir: string;
  readonly keepBlank: boolean;
}

/** Default `LimitRequestBody` (Apache 2.4.54+): 1 GiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024 * 1024;

/**
 * The core's per-directory settings of one plan (a merged combination of sections), worked out
 * once: the request path reads fields.
 */
export class CoreDir {
  /** The table `req.getConfig()` returns: `TsDebug` → "1"/"0", `TsAutoReload`, `TsPath`, ... */
  readonly settings: ReadonlyMap<string, string>;
  /** `TsOption` values; "" marks a key unset at this level. */
  readonly options: ReadonlyMap<string, string>;
  readonly debug: boolean;
  readonly autoReload: boolean;
  /** Absolute module search folders from `TsPath`. */
  readonly tsPath: readonly string[] | undefined;
  readonly interpreter: string | undefined;
  readonly interpPerDirectory: boolean;
  readonly interpPerDirective: boolean;
  /** `SetHandler`: undefined when not set here, "" for `None`. */
  readonly setHandler: string | undefined;
  private readonly addHandlers: ReadonlyMap<string, string>;
  readonly errorDocuments: ReadonlyMap<number, string>;
  /** `LimitRequestBody` in effect (0: unlimited). */
  readonly bodyLimit: number;
  /** `Options` flags in effect (`Indexes`, `FollowSymLinks`, ...). */
  readonly optionFlags: ReadonlyMap<string, boolean>;
  readonly authType: string | undefined;
  readonly authName: string | undefined;
  /** The `Require` rules in effect; undefined when none applies. */
  readonly requires: RequireRules | undefined;
  private readonly handlersByFile = new BoundedMap<string, string | null>();
  private form: FormSettings | undefined;

  constructor(readonly values: ConfigValues) {
    this.settings = settingsTable(values);
    this.options = values.get(D.TsOption) ?? new Map();
    this.debug = values.get(D.TsDebug) === true;
    this.autoReload = values.get(D.TsAutoReload) !== false;
    this.tsPath = values.get(D.TsPath);
    this.interpreter = values.get(D.TsInterpreter);
    this.interpPerDirectory = values.get(D.TsInterpPerDirectory) === true;
    this.interpPerDirective = values.get(D.TsInterpPerDirective) === true;
    this.setHandler = values.get(D.SetHandler);
    this.addHandlers = values.get(D.AddHandler) ?? new Map();
    this.errorDocuments = values.get(D.ErrorDocument) ?? new Map();
    this.bodyLimit = values.get(D.LimitRequestBody) ?? DEFAULT_BODY_LIMIT;
    this.optionFlags = values.get(D.Options) ?? new Map();
    this.authType = values.get(D.AuthType);
    this.authName = values.get(D.AuthName);
    this.requires = values.get(D.Require);
  }

  /**
   * The handler name for a file: `SetHandler` wins, else `AddHandler` for any of the file's
   * extensions (`a.psp.bak` has `.psp` and `.bak`; the last configured one wins, as mod_mime).
   */
  handlerFor(filename: string | null): string | null {
    if (this.setHandler !== undefined) return this.setHandler || null;
    if (!filename || this.addHandlers.size === 0) return null;
    const hit = this.handlersByFile.get(filename);
    if (hit !== undefined) return hit;
    const parts = path.basename(filename).toLowerCase().split(".").slice(1);
    let found: string | null = null;
    for (const p of parts) {
      const h = this.addHandlers.get("." + p);
      if (h !== undefined) found = h || null;
    }
    this.handlersByFile.set(filename, found);
    return found;
  }

  /** The file's extensions that `AddHandler` maps (mod_python's `req.get_addhandler_exts()`). */
  addHandlerExtensions(filename: string): string[] {
    return path.basename(filename).toLowerCase().split(".").slice(1).filter((p) => this.addHandlers.has("." + p));
  }

  /** The form limits of `tsmod.form.*` and LimitRequestBody; the upload folder is made on first use. */
  formSettings(): FormSettings {
    if (this.form) return this.form;
    const limits: FormLimits = { ...DEFAULT_FORM_LIMITS };
    for (const [key, field] of LIMIT_OPTIONS) {
      const v = this.options.get(key);
      if (v) {
        if (!/^\d+$/.test(v)) throw new TsmodError(ErrorCode.FORM_MALFORMED, `TsOption ${key} must be a whole number, not '${v}'`, 500);
        limits[field] = Number(v);
      }
    }
    // LimitRequestBody is the one knob for the whole body, forms included: raising it (or 0,
    // unlimited) must let a bigger upload through, not stop at the form default.
    limits.maxBodySize = this.bodyLimit > 0 ? this.bodyLimit : Infinity;
    const tmpDir = this.options.get("tsmod.form.tmp_dir") || path.join(os.tmpdir(), "tsmod-uploads");
    fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
    this.form = { limits, tmpDir, keepBlank: this.options.get("tsmod.form.keep_blank") === "1" };
    return this.form;
  }
}

/** The `getConfig()` table of a place: mod_python's settings as the strings it shows. */
function settingsTable(values: ConfigValues): Map<string, string> {
  const table = new Map<string, string>();
  const flag = (name: string, value: boolean | undefined) => value !== undefined && table.set(name, value ? "1" : "0");
  flag("TsDebug", values.get(D.TsDebug));
  flag("TsAutoReload", values.get(D.TsAutoReload));
  flag("TsInterpPerDirectory", values.get(D.TsInterpPerDirectory));
  flag("TsInterpPerDirective", values.get(D.TsInterpPerDirective));
  const tsPath = values.get(D.TsPath);
  if (tsPath) table.set("TsPath", tsPath.join(" "));
  const interpreter = values.get(D.TsInterpreter);
  if (interpreter !== undefined) table.set("TsInterpreter", interpreter);
  return table;
}
