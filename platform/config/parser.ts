import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { APLOG_WARNING } from "../constants";
import { ConfigError, ConfigErrors, ErrorCode } from "../errors";
import { findHandlerModule, isBuiltinName } from "../loader/resolve-module";
import { Context, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, findDirective, directiveNames, resolveLogFormats, type ApplyContext, type RootSettings } from "./directives";
import { readConfigFile } from "./config-file";
import { expandInclude } from "./include-glob";
import { MAX_CONFIG_ERRORS, lexConfig, type ConfigLine } from "./lexer";
import { emptyDirConfig, mergeDirConfig, type DirConfig, type HandlerEntry, type Section, type SectionKind, type ServerConfig, type VirtualServer } from "./model";
import { closest } from "./suggest";
import { ConfigRegex } from "./config-regex";
import { compileWildcard, hasWildcard } from "./wildcard";

export interface LoadOptions {
  /** `-D NAME` defines, for `<IfDefine>`. */
  defines?: Iterable<string>;
  /** Built-in module names (`tsmod/publisher`, ...) handlers may name. */
  builtins?: ReadonlySet<string>;
}

/** Section names and where they may open. */
const SECTIONS: Record<string, { kind: SectionKind | "vhost" | "if"; in: number; match?: boolean }> = {
  virtualhost: { kind: "vhost", in: Context.SERVER },
  directory: { kind: "directory", in: Context.SERVER | Context.VHOST },
  directorymatch: { kind: "directory", in: Context.SERVER | Context.VHOST, match: true },
  files: { kind: "files", in: Context.SERVER | Context.VHOST | Context.DIR },
  filesmatch: { kind: "files", in: Context.SERVER | Context.VHOST | Context.DIR, match: true },
  location: { kind: "location", in: Context.SERVER | Context.VHOST },
  locationmatch: { kind: "location", in: Context.SERVER | Context.VHOST, match: true },
  ifdefine: { kind: "if", in: Context.SERVER | Context.VHOST | Context.DIR },
  ifmodule: { kind: "if", in: Context.SERVER | Context.VHOST | Context.DIR },
};

/** Include nesting beyond which a chain of files is refused (a loop is caught before this). */
const MAX_INCLUDE_DEPTH = 16;

/** Modules `<IfModule>` treats as present. */
const OWN_MODULES = new Set(["tsmod", "mod_tsmod.c", "mod_tsmod"]);

interface ServerBuild {
  partial: Partial<VirtualServer>;
  dir: DirConfig;
  serverLevel: { settings: Map<string, string>; options: Map<string, string> };
  sections: Section[];
  addresses: string[];
  file: string;
  line: number;
}

interface Frame {
  name: string;
  file: string;
  line: number;
  context: number;
  skip: boolean;
  server: ServerBuild;
  dir: DirConfig;
  section: Section | null;
  handlerDirectory: string | null;
  isLocation: boolean;
}

/** Reads, checks and resolves a configuration file. Throws `ConfigErrors` listing every error. */
export function loadConfig(configFile: string, options: LoadOptions = {}): ServerConfig {
  return new ConfigBuilder(path.resolve(configFile), options).build();
}

class ConfigBuilder {
  private readonly errors: ConfigError[] = [];
  private readonly files: string[] = [];
  private readonly defines: Set<string>;
  private readonly root: RootSettings;
  private readonly main: ServerBuild;
  private readonly vhosts: ServerBuild[] = [];
  private sectionId = 0;

  constructor(
    private readonly configFile: string,
    private readonly options: LoadOptions,
  ) {
    this.defines = new Set(options.defines ?? []);
    this.root = { serverRoot: path.dirname(configFile), listen: [], workers: undefined, gracefulShutdownTimeout: undefined, imports: [] };
    this.main = newServerBuild(configFile, 0);
  }

  build(): ServerConfig {
    const top: Frame = {
      name: "",
      file: this.configFile,
      line: 0,
      context: Context.SERVER,
      skip: false,
      server: this.main,
      dir: this.main.dir,
      section: null,
      handlerDirectory: null,
      isLocation: false,
    };
    if (!fs.existsSync(this.configFile)) {
      throw new ConfigErrors([new ConfigError(ErrorCode.CONFIG_INCLUDE, this.configFile, 0, "configuration file not found")]);
    }
    this.processFile(this.configFile, [top], [], null);
    if (this.root.listen.length === 0 && this.errors.length === 0) {
      this.error(ErrorCode.CONFIG_ARGUMENTS, this.configFile, 1, "no Listen directive: tsmod needs at least one address to listen on");
    }
    const config = this.finish();
    this.checkHandlerModules(config);
    this.errors.push(...resolveLogFormats(config));
    if (this.errors.length >= MAX_CONFIG_ERRORS) {
      this.errors.splice(MAX_CONFIG_ERRORS);
      this.errors.push(new ConfigError(ErrorCode.CONFIG_SYNTAX, this.configFile, 0, `more errors not shown (only the first ${MAX_CONFIG_ERRORS} are)`));
    }
    if (this.errors.length) throw new ConfigErrors(this.errors);
    return config;
  }

  private error(code: ConfigError["code"], file: string, line: number, message: string): void {
    if (this.errors.length < MAX_CONFIG_ERRORS) this.errors.push(new ConfigError(code, file, line, message));
  }

  /**
   * Reads one file into the configuration. `chain` holds the files that include it (real
   * paths, outermost first) and `includedBy` the Include line, where its errors are reported.
   */
  private processFile(file: string, stack: Frame[], chain: readonly string[], includedBy: ConfigLine | null): void {
    const fail = (message: string) =>
      includedBy ? this.error(ErrorCode.CONFIG_INCLUDE, includedBy.file, includedBy.line, `${includedBy.name}: ${file}: ${message}`) : this.error(ErrorCode.CONFIG_INCLUDE, file, 0, message);
    let text: string;
    let real: string;
    try {
      text = readConfigFile(file);
      real = fs.realpathSync(file);
    } catch (e) {
      fail((e as Error).message);
      return;
    }
    if (chain.includes(real)) {
      fail(`Include cycle: ${[...chain.slice(chain.indexOf(real)), real].join(" -> ")}`);
      return;
    }
    if (chain.length >= MAX_INCLUDE_DEPTH) {
      fail(`included more than ${MAX_INCLUDE_DEPTH} deep`);
      return;
    }
    this.files.push(file);
    const inner = [...chain, real];
    const base = stack.length;
    for (const line of lexConfig(text, file, this.errors)) {
      if (this.errors.length >= MAX_CONFIG_ERRORS) break;
      this.processLine(line, stack, inner);
    }
    while (stack.length > base) {
      const f = stack.pop()!;
      this.error(ErrorCode.CONFIG_SECTION, f.file, f.line, `<${f.name}> is never closed (expected </${f.name}> before the end of ${file})`);
    }
  }

  private processLine(line: ConfigLine, stack: Frame[], chain: readonly string[]): void {
    const frame = stack[stack.length - 1];
    if (line.kind === "close") {
      if (stack.length <= 1 || frame.name.toLowerCase() !== line.name.toLowerCase()) {
        const expected = stack.length > 1 ? ` (expected </${frame.name}>)` : "";
        this.error(ErrorCode.CONFIG_SECTION, line.file, line.line, `</${line.name}> without matching <${line.name}> section${expected}`);
        return;
      }
      stack.pop();
      return;
    }
    if (line.kind === "open") {
      stack.push(this.openSection(line, frame));
      return;
    }
    if (frame.skip) return;
    const lname = line.name.toLowerCase();
    if (lname === "include" || lname === "includeoptional") {
      this.include(line, stack, chain, lname === "includeoptional");
      return;
    }
    this.applyDirective(line, frame);
  }

  private include(line: ConfigLine, stack: Frame[], chain: readonly string[], optional: boolean): void {
    if (line.args.length !== 1) {
      this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `${line.name} takes one file name or pattern`);
      return;
    }
    try {
      for (const f of expandInclude(path.resolve(this.root.serverRoot, line.args[0]), optional)) {
        if (this.errors.length >= MAX_CONFIG_ERRORS) return;
        this.processFile(f, stack, chain, line);
      }
    } catch (e) {
      this.error(ErrorCode.CONFIG_INCLUDE, line.file, line.line, `${line.name}: ${(e as Error).message}`);
    }
  }

  private applyDirective(line: ConfigLine, frame: Frame): void {
    const def = findDirective(line.name);
    if (!def) {
      const guess = closest(line.name, directiveNames());
      const hint = guess ? ` (did you mean '${guess}'?)` : "";
      this.error(ErrorCode.CONFIG_UNKNOWN_DIRECTIVE, line.file, line.line, `unknown directive '${line.name}'${hint}`);
      return;
    }
    if (!(def.contexts & frame.context)) {
      this.error(ErrorCode.CONFIG_CONTEXT, line.file, line.line, `${def.name} is not allowed ${contextName(frame)}`);
      return;
    }
    const n = line.args.length;
    if (n < def.minArgs || n > def.maxArgs) {
      const want =
        def.minArgs === def.maxArgs
          ? `exactly ${def.minArgs}`
          : def.maxArgs === Infinity
            ? `at least ${def.minArgs}`
            : `${def.minArgs} to ${def.maxArgs}`;
      this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `${def.name} takes ${want} argument${def.maxArgs === 1 ? "" : "s"}, got ${n}`);
      return;
    }
    const atServerLevel = frame.section === null;
    const ctx: ApplyContext = {
      root: this.root,
      server: frame.server.partial,
      dir: frame.dir,
      serverLevel: atServerLevel ? frame.server.serverLevel : null,
      handlerDirectory: frame.handlerDirectory,
      isLocation: frame.isLocation,
      section: frame.section,
      file: line.file,
      line: line.line,
      resolvePath: (p) => path.resolve(this.root.serverRoot, p),
    };
    try {
      def.apply(ctx, line.args);
    } catch (e) {
      this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `${def.name}: ${(e as Error).message.replace(new RegExp(`^${def.name}:? `), "")}`);
    }
  }

  private openSection(line: ConfigLine, parent: Frame): Frame {
    const spec = SECTIONS[line.name.toLowerCase()];
    const frame: Frame = { ...parent, name: line.name, file: line.file, line: line.line, skip: true };
    if (parent.skip) return frame;
    if (!spec) {
      const guess = closest(line.name, ["VirtualHost", "Directory", "DirectoryMatch", "Files", "FilesMatch", "Location", "LocationMatch", "IfDefine", "IfModule"]);
      this.error(ErrorCode.CONFIG_SECTION, line.file, line.line, `unknown section <${line.name}>${guess ? ` (did you mean <${guess}>?)` : ""}`);
      return frame;
    }
    if (!(spec.in & parent.context)) {
      this.error(ErrorCode.CONFIG_CONTEXT, line.file, line.line, `<${line.name}> is not allowed ${contextName(parent)}`);
      return frame;
    }
    if (spec.kind === "if") {
      if (line.args.length !== 1) {
        this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `<${line.name}> takes one name`);
        return frame;
      }
      const negate = line.args[0].startsWith("!");
      const name = negate ? line.args[0].slice(1) : line.args[0];
      const holds = line.name.toLowerCase() === "ifdefine" ? this.defines.has(name) : OWN_MODULES.has(name.toLowerCase());
      return { ...frame, skip: holds === negate };
    }
    if (spec.kind === "vhost") {
      if (line.args.length === 0) {
        this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, "<VirtualHost> takes one or more addresses");
        return frame;
      }
      const vh = newServerBuild(line.file, line.line);
      vh.addresses = line.args;
      this.vhosts.push(vh);
      return { ...frame, skip: false, context: Context.VHOST, server: vh, dir: vh.dir, section: null, handlerDirectory: null, isLocation: false };
    }
    const section = this.makeSection(line, spec.kind, spec.match === true, parent);
    if (!section) return frame;
    parent.server.sections.push(section);
    const handlerDirectory =
      spec.kind === "directory"
        ? section.regex
          ? null
          : section.pattern
        : spec.kind === "files"
          ? parent.handlerDirectory
          : null;
    return {
      ...frame,
      skip: false,
      context: Context.DIR,
      dir: section.config,
      section,
      handlerDirectory,
      isLocation: spec.kind === "location",
    };
  }

  private makeSection(line: ConfigLine, kind: SectionKind, match: boolean, parent: Frame): Section | null {
    let args = line.args;
    let isRegex = match;
    if (!match && args.length === 2 && args[0] === "~") {
      isRegex = true;
      args = args.slice(1);
    }
    if (args.length !== 1) {
      this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `<${line.name}> takes exactly one ${isRegex ? "regular expression" : "argument"}`);
      return null;
    }
    let pattern = args[0];
    let regex: ConfigRegex | null = null;
    if (isRegex) {
      try {
        regex = ConfigRegex.compile(`<${line.name}>`, pattern);
      } catch (e) {
        this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, (e as Error).message);
        return null;
      }
    } else if (kind === "directory") {
      pattern = path.resolve(this.root.serverRoot, pattern).replace(/\/*$/, "/");
      if (hasWildcard(pattern)) regex = compileWildcard(pattern, false);
    } else if (hasWildcard(pattern)) {
      regex = compileWildcard(pattern, kind === "files");
    }
    const depth = kind === "directory" ? pattern.split("/").filter(Boolean).length : 0;
    return {
      id: this.sectionId++,
      kind,
      pattern,
      regex,
      isMatch: isRegex,
      depth,
      parent: kind === "files" ? parent.section : null,
      config: emptyDirConfig(),
      file: line.file,
      line: line.line,
    };
  }

  private finish(): ServerConfig {
    const serverRoot = this.root.serverRoot;
    const defaults: Omit<VirtualServer, "isVirtual" | "addresses" | "dir" | "sections" | "serverSettings" | "serverOptions" | "file" | "line"> = {
      serverName: os.hostname(),
      serverAliases: [],
      serverAdmin: "",
      documentRoot: path.join(serverRoot, "htdocs"),
      aliases: [],
      timeout: 60,
      keepAliveTimeout: 5,
      headerReadTimeout: DEFAULT_HEADER_READ_TIMEOUT,
      bodyReadTimeout: DEFAULT_BODY_READ_TIMEOUT,
      limitRequestFields: 100,
      limitRequestFieldSize: 8190,
      limitRequestLine: 8190,
      errorLog: "stderr",
      logLevel: APLOG_WARNING,
    };
    const main: VirtualServer = {
      ...defaults,
      ...stripUndefined(this.main.partial),
      isVirtual: false,
      addresses: [],
      dir: this.main.dir,
      sections: this.main.sections,
      serverSettings: this.main.serverLevel.settings,
      serverOptions: this.main.serverLevel.options,
      file: this.configFile,
      line: 0,
    };
    const vhosts = this.vhosts.map(
      (vh): VirtualServer => ({
        ...main,
        serverAliases: [],
        ...stripUndefined(vh.partial),
        aliases: [...(vh.partial.aliases ?? []), ...main.aliases],
        isVirtual: true,
        addresses: vh.addresses,
        dir: mergeDirConfig(main.dir, vh.dir),
        sections: [...main.sections, ...vh.sections],
        serverSettings: new Map([...main.serverSettings, ...vh.serverLevel.settings]),
        serverOptions: new Map([...main.serverOptions, ...vh.serverLevel.options]),
        file: vh.file,
        line: vh.line,
      }),
    );
    return {
      configFile: this.configFile,
      files: this.files,
      serverRoot,
      defines: this.defines,
      listen: this.root.listen,
      workers: this.root.workers ?? 1,
      gracefulShutdownTimeout: this.root.gracefulShutdownTimeout ?? 0,
      main,
      vhosts,
      imports: this.root.imports,
    };
  }

  /** A missing handler module is a load-time error wherever the folder is known in advance. */
  private checkHandlerModules(config: ServerConfig): void {
    const builtins = this.options.builtins;
    const check = (server: VirtualServer, dir: DirConfig, file: string, line: number) => {
      for (const entries of [...dir.handlers.values(), filterEntries(dir)]) {
        for (const e of entries) {
          if (isBuiltinName(e.module)) {
            if (builtins && !builtins.has(e.module)) {
              this.error(ErrorCode.CONFIG_MODULE_NOT_FOUND, file, line, `no built-in handler module '${e.module}' (have: ${[...builtins].join(", ")})`);
            }
            continue;
          }
          const dirs = [e.directory, ...(dir.tsPath ?? server.dir.tsPath ?? []), server.documentRoot, config.serverRoot].filter((d): d is string => !!d);
          if (!findHandlerModule(e.module, dirs)) {
            this.error(ErrorCode.CONFIG_MODULE_NOT_FOUND, file, line, `handler module '${e.module}' not found (looked in ${dirs.join(", ")})`);
          }
        }
      }
    };
    for (const server of [config.main, ...config.vhosts]) {
      check(server, server.dir, server.file, server.line);
      for (const s of server.sections) if (!(s.kind === "directory" && s.regex)) check(server, s.config, s.file, s.line);
    }
  }
}

/** The handlers behind `TsOutputFilter` / `TsInputFilter` registrations. */
function filterEntries(dir: DirConfig): HandlerEntry[] {
  return [...(dir.outputFilters?.values() ?? []), ...(dir.inputFilters?.values() ?? [])].map((r) => r.entry);
}

function newServerBuild(file: string, line: number): ServerBuild {
  return {
    partial: {},
    dir: emptyDirConfig(),
    serverLevel: { settings: new Map(), options: new Map() },
    sections: [],
    addresses: [],
    file,
    line,
  };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function contextName(frame: Frame): string {
  if (frame.context === Context.SERVER) return "at server level";
  if (frame.context === Context.VHOST) return "inside <VirtualHost>";
  return `inside <${frame.name}>`;
}
