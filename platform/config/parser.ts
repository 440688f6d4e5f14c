import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, ConfigErrors, ErrorCode } from "../errors";
import { readConfigFile } from "./config-file";
import { ConfigRegex } from "./config-regex";
import { LineError, type DirectiveContext, type DirectiveSpec, type NestedLine, type SectionInfo, type SectionKind, type Where } from "./directive";
import { expandInclude } from "./include-glob";
import { MAX_CONFIG_ERRORS, lexConfig, type ConfigLine } from "./lexer";
import { closest } from "./suggest";
import { ConfigValues, ValuesBuilder } from "./values";
import { ConfigVariables } from "./variables";
import { compileWildcard, hasWildcard } from "./wildcard";

/** What the language asks of the modules that give it its directives. */
export interface DirectiveTable {
  find(name: string): DirectiveSpec<any> | undefined;
  /** Every directive name, for "did you mean". */
  names(): Iterable<string>;
  /** `<IfModule NAME>`. */
  hasModule(name: string): boolean;
  /**
   * `LoadModule NAME TARGET`: adds the module's directives for the lines that follow. Throws an
   * Error whose message is reported at the line.
   */
  loadModule(name: string, target: string, serverRoot: string): void;
}

export interface LoadOptions {
  /** `-D NAME` defines, for `<IfDefine>`. */
  defines?: Iterable<string>;
}

export interface Section extends SectionInfo {
  /** A `*Match` or `~` section (merged after the plain ones of its kind, in file order). */
  readonly isMatch: boolean;
  /** Directory sections: number of path components, for shortest-first ordering. */
  readonly depth: number;
  /** A `<Files>` nested in a `<Directory>` applies only where that directory applies. */
  readonly parent: Section | null;
  readonly values: ConfigValues;
  readonly file: string;
  readonly line: number;
}

/** The main server or one `<VirtualHost>`, as read. */
export interface ParsedServer {
  readonly isVirtual: boolean;
  /** `<VirtualHost>` addresses (`*`, `*:8080`, `127.0.0.1:80`); empty for the main server. */
  readonly addresses: readonly string[];
  /** Its top level: a virtual host's own over the main server's. */
  readonly values: ConfigValues;
  /** Only what a virtual host itself writes at its top level (the main server's: all of it). */
  readonly ownValues: ConfigValues;
  /** The main server's sections, then this virtual host's, in file order. */
  readonly sections: readonly Section[];
  readonly file: string;
  readonly line: number;
}

/** One directive line as read (after `${NAME}` substitution), for checks that want its line. */
export interface DirectiveLine {
  readonly spec: DirectiveSpec<any>;
  readonly args: readonly string[];
  /** What the directive's parser made of it. */
  readonly value: unknown;
  /** The place it is in, as `Where.place`: a section's id, or -1 (main server), -2, ... (virtual hosts). */
  readonly place: number;
  readonly file: string;
  readonly line: number;
}

export interface ParsedConfig {
  /** The main configuration file, absolute. */
  readonly configFile: string;
  /** Every file read, for reloading on SIGHUP. */
  readonly files: readonly string[];
  readonly serverRoot: string;
  readonly defines: ReadonlySet<string>;
  readonly main: ParsedServer;
  readonly vhosts: readonly ParsedServer[];
  /** Every directive line that was applied, in file order. */
  readonly lines: readonly DirectiveLine[];
}

/**
 * A check run once the whole file is read (a handler module exists, a log nickname is known).
 * `clean`: no error was found before it (a check that only makes sense then can skip).
 */
export type ConfigCheck = (config: ParsedConfig, report: (file: string, line: number, message: string, code?: ConfigError["code"]) => void, clean: boolean) => void;

/** Section names and the contexts they may open in. */
const SECTIONS: Record<string, { kind: SectionKind | "vhost" | "if"; in: readonly Level[]; match?: boolean }> = {
  virtualhost: { kind: "vhost", in: ["main"] },
  directory: { kind: "directory", in: ["main", "vhost"] },
  directorymatch: { kind: "directory", in: ["main", "vhost"], match: true },
  files: { kind: "files", in: ["main", "vhost", "section"] },
  filesmatch: { kind: "files", in: ["main", "vhost", "section"], match: true },
  location: { kind: "location", in: ["main", "vhost"] },
  locationmatch: { kind: "location", in: ["main", "vhost"], match: true },
  ifdefine: { kind: "if", in: ["main", "vhost", "section"] },
  ifmodule: { kind: "if", in: ["main", "vhost", "section"] },
};
const SECTION_NAMES = ["VirtualHost", "Directory", "DirectoryMatch", "Files", "FilesMatch", "Location", "LocationMatch", "IfDefine", "IfModule"];

/** The lines the language itself handles, before any module's directives. */
const LANGUAGE_DIRECTIVES = ["Include", "IncludeOptional", "ServerRoot", "LoadModule", "Define", "UnDefine"];

type Level = "main" | "vhost" | "section";

const ALLOWED: Record<DirectiveContext, readonly Level[]> = {
  main: ["main"],
  server: ["main", "vhost"],
  dir: ["section"],
  both: ["main", "vhost", "section"],
};

/** Include nesting beyond which a chain of files is refused (a loop is caught before this). */
const MAX_INCLUDE_DEPTH = 16;

interface ServerBuild {
  /** -1 for the main server, -2, -3, ... for virtual hosts. */
  readonly place: number;
  readonly values: ValuesBuilder;
  readonly sections: SectionBuild[];
  readonly addresses: string[];
  readonly file: string;
  readonly line: number;
}

interface SectionBuild {
  readonly info: Omit<Section, "values" | "parent">;
  readonly parent: SectionBuild | null;
  readonly values: ValuesBuilder;
}

/** A block directive being read: its opening line and the lines parsed inside it so far. */
interface BlockBuild {
  readonly spec: DirectiveSpec<any>;
  readonly args: string[];
  readonly where: Where;
  readonly nested: NestedLine[];
}

interface Frame {
  name: string;
  file: string;
  line: number;
  level: Level;
  skip: boolean;
  server: ServerBuild;
  values: ValuesBuilder;
  section: SectionBuild | null;
  handlerDirectory: string | null;
  /** The innermost block directive the frame is in (an `<IfDefine>` inside a block keeps it). */
  block: BlockBuild | null;
  /** This frame is the block's own (its closing line finishes the block). */
  opensBlock: boolean;
}

/**
 * Reads a configuration file with the directives `table` knows. Throws `ConfigErrors` listing
 * every error (the checks' too), each at its `FILE:LINE`.
 */
export function parseConfig(configFile: string, table: DirectiveTable, options: LoadOptions = {}, checks: readonly ConfigCheck[] = []): ParsedConfig {
  return new ConfigReader(path.resolve(configFile), table, options).read(checks);
}

class ConfigReader {
  private readonly errors: ConfigError[] = [];
  private readonly files: string[] = [];
  private readonly defines: Set<string>;
  private readonly variables = new ConfigVariables();
  private serverRoot: string;
  private readonly main: ServerBuild;
  private readonly vhosts: ServerBuild[] = [];
  private readonly lines: DirectiveLine[] = [];
  private sectionId = 0;

  constructor(
    private readonly configFile: string,
    private readonly table: DirectiveTable,
    options: LoadOptions,
  ) {
    this.defines = new Set(options.defines ?? []);
    this.serverRoot = path.dirname(configFile);
    this.main = newServerBuild(-1, configFile, 0);
  }

  read(checks: readonly ConfigCheck[]): ParsedConfig {
    if (!fs.existsSync(this.configFile)) {
      throw new ConfigErrors([new ConfigError(ErrorCode.CONFIG_INCLUDE, this.configFile, 0, "configuration file not found")]);
    }
    const top: Frame = { name: "", file: this.configFile, line: 0, level: "main", skip: false, server: this.main, values: this.main.values, section: null, handlerDirectory: null, block: null, opensBlock: false };
    this.processFile(this.configFile, [top], [], null);
    const config = this.finish();
    const report = (file: string, line: number, message: string, code: ConfigError["code"] = ErrorCode.CONFIG_ARGUMENTS) => this.error(code, file, line, message);
    for (const check of checks) check(config, report, this.errors.length === 0);
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

  private processLine(raw: ConfigLine, stack: Frame[], chain: readonly string[]): void {
    const frame = stack[stack.length - 1];
    const line = frame.skip || raw.kind === "close" ? raw : this.substitute(raw);
    if (!line) return;
    if (line.kind === "close") {
      if (stack.length <= 1 || frame.name.toLowerCase() !== line.name.toLowerCase()) {
        const expected = stack.length > 1 ? ` (expected </${frame.name}>)` : "";
        this.error(ErrorCode.CONFIG_SECTION, line.file, line.line, `</${line.name}> without matching <${line.name}> section${expected}`);
        return;
      }
      stack.pop();
      if (frame.opensBlock && !frame.skip) this.finishBlock(frame.block!, stack[stack.length - 1]);
      return;
    }
    if (line.kind === "open") {
      const blockSpec = SECTIONS[line.name.toLowerCase()] ? undefined : this.table.find(line.name);
      stack.push(blockSpec?.block ? this.openBlock(line, frame, blockSpec) : this.openSection(line, frame));
      return;
    }
    if (frame.skip) return;
    switch (line.name.toLowerCase()) {
      case "include":
      case "includeoptional":
        this.include(line, stack, chain, line.name.toLowerCase() === "includeoptional");
        return;
      case "serverroot":
        this.languageLine(line, frame, 1, () => (this.serverRoot = path.resolve(this.serverRoot, line.args[0])));
        return;
      case "loadmodule":
        this.languageLine(line, frame, 2, () => this.table.loadModule(line.args[0], line.args[1], this.serverRoot));
        return;
      case "define":
        this.define(line);
        return;
      case "undefine":
        this.undefine(line);
        return;
    }
    this.applyDirective(line, frame);
  }

  /** The line with `${NAME}` replaced in its arguments, or null (reported) for an undefined name. */
  private substitute(line: ConfigLine): ConfigLine | null {
    try {
      return { ...line, args: line.args.map((a) => this.variables.substitute(a)) };
    } catch (e) {
      this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `${line.kind === "open" ? `<${line.name}>` : line.name}: ${(e as Error).message}`);
      return null;
    }
  }

  /**
   * `Define NAME [VALUE]`: NAME holds for `<IfDefine>` from here on, and VALUE (if given) is what
   * `${NAME}` stands for. As in Apache it is global wherever it is written.
   */
  private define(line: ConfigLine): void {
    if (line.args.length < 1 || line.args.length > 2) {
      this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `Define takes a name and an optional value, got ${line.args.length} arguments`);
      return;
    }
    const [name, value] = line.args;
    try {
      if (value !== undefined) this.variables.define(name, value);
      else if (!/^[\w.-]+$/.test(name)) throw new Error(`'${name}' is not a name`);
      this.defines.add(name);
    } catch (e) {
      this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `Define: ${(e as Error).message}`);
    }
  }

  private undefine(line: ConfigLine): void {
    if (line.args.length !== 1) {
      this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `UnDefine takes exactly 1 argument, got ${line.args.length}`);
      return;
    }
    this.defines.delete(line.args[0]);
    this.variables.undefine(line.args[0]);
  }

  /** ServerRoot and LoadModule: main server level, a fixed number of arguments. */
  private languageLine(line: ConfigLine, frame: Frame, args: number, run: () => void): void {
    if (frame.level !== "main") {
      this.error(ErrorCode.CONFIG_CONTEXT, line.file, line.line, `${canonical(line.name)} is not allowed ${placeName(frame)}`);
    } else if (line.args.length !== args) {
      this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `${canonical(line.name)} takes exactly ${args} argument${args === 1 ? "" : "s"}, got ${line.args.length}`);
    } else {
      try {
        run();
      } catch (e) {
        const code = (e as { code?: unknown }).code === ErrorCode.CONFIG_MODULE_NOT_FOUND ? ErrorCode.CONFIG_MODULE_NOT_FOUND : ErrorCode.CONFIG_ARGUMENTS;
        this.error(code, line.file, line.line, `${canonical(line.name)}: ${(e as Error).message}`);
      }
    }
  }

  private include(line: ConfigLine, stack: Frame[], chain: readonly string[], optional: boolean): void {
    if (line.args.length !== 1) {
      this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `${line.name} takes one file name or pattern`);
      return;
    }
    try {
      for (const f of expandInclude(path.resolve(this.serverRoot, line.args[0]), optional)) {
        if (this.errors.length >= MAX_CONFIG_ERRORS) return;
        this.processFile(f, stack, chain, line);
      }
    } catch (e) {
      this.error(ErrorCode.CONFIG_INCLUDE, line.file, line.line, `${line.name}: ${(e as Error).message}`);
    }
  }

  private applyDirective(line: ConfigLine, frame: Frame): void {
    const spec = this.table.find(line.name);
    if (spec?.block) {
      this.error(ErrorCode.CONFIG_SYNTAX, line.file, line.line, `${spec.name} is a block: write <${spec.name}${spec.args === 0 ? "" : " ..."}> ... </${spec.name}>`);
      return;
    }
    if (!spec) {
      const guess = closest(line.name, [...LANGUAGE_DIRECTIVES, ...this.table.names()]);
      const hint = guess ? ` (did you mean '${guess}'?)` : "";
      this.error(ErrorCode.CONFIG_UNKNOWN_DIRECTIVE, line.file, line.line, `unknown directive '${line.name}'${hint}`);
      return;
    }
    if (!ALLOWED[spec.context].includes(frame.level)) {
      this.error(ErrorCode.CONFIG_CONTEXT, line.file, line.line, `${spec.name} is not allowed ${placeName(frame)}`);
      return;
    }
    if (!this.argumentsFit(spec, line)) return;
    const where = this.whereOf(line, frame);
    try {
      const value = spec.parse(line.args, where, []);
      if (frame.block) frame.block.nested.push({ spec, value, where });
      else {
        frame.values.add(spec, value);
        this.lines.push({ spec, args: line.args, value, place: where.place, file: line.file, line: line.line });
      }
    } catch (e) {
      this.parseError(spec, line, e);
    }
  }

  private argumentsFit(spec: DirectiveSpec<any>, line: ConfigLine): boolean {
    const [min, max] = typeof spec.args === "number" ? [spec.args, spec.args] : spec.args;
    const n = line.args.length;
    if (n >= min && n <= max) return true;
    const want = min === max ? `exactly ${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `${spec.name} takes ${want} argument${max === 1 ? "" : "s"}, got ${n}`);
    return false;
  }

  private whereOf(line: ConfigLine, frame: Frame): Where {
    const serverRoot = this.serverRoot;
    return {
      file: line.file,
      line: line.line,
      section: frame.section?.info ?? null,
      place: frame.section?.info.id ?? frame.server.place,
      handlerDirectory: frame.handlerDirectory,
      serverRoot,
      resolvePath: (p) => path.resolve(serverRoot, p),
      inside: frame.block?.spec.name ?? null,
    };
  }

  /** A parser's error at its line, or at the nested line a block's parser names (LineError). */
  private parseError(spec: DirectiveSpec<any>, line: { file: string; line: number }, e: unknown): void {
    const message = (e as Error).message;
    if (e instanceof LineError) this.error(ErrorCode.CONFIG_ARGUMENTS, e.where.file, e.where.line, message);
    else this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `${spec.name}: ${message.replace(new RegExp(`^${spec.name}:? `), "")}`);
  }

  /** `<Name args>` of a block directive: the lines up to `</Name>` are collected for its parse. */
  private openBlock(line: ConfigLine, parent: Frame, spec: DirectiveSpec<any>): Frame {
    const frame: Frame = { ...parent, name: line.name, file: line.file, line: line.line, skip: true, opensBlock: true };
    if (parent.skip) return frame;
    if (!ALLOWED[spec.context].includes(parent.level)) {
      this.error(ErrorCode.CONFIG_CONTEXT, line.file, line.line, `<${spec.name}> is not allowed ${placeName(parent)}`);
      return frame;
    }
    if (!this.argumentsFit(spec, line)) return frame;
    return { ...frame, skip: false, block: { spec, args: line.args, where: this.whereOf(line, parent), nested: [] } };
  }

  /** `</Name>`: the block's value, stored where the block is (or nested in an enclosing block). */
  private finishBlock(block: BlockBuild, outer: Frame): void {
    try {
      const value = block.spec.parse(block.args, block.where, block.nested);
      if (outer.block) outer.block.nested.push({ spec: block.spec, value, where: block.where });
      else {
        outer.values.add(block.spec, value);
        this.lines.push({ spec: block.spec, args: block.args, value, place: block.where.place, file: block.where.file, line: block.where.line });
      }
    } catch (e) {
      this.parseError(block.spec, block.where, e);
    }
  }

  private openSection(line: ConfigLine, parent: Frame): Frame {
    const spec = SECTIONS[line.name.toLowerCase()];
    const frame: Frame = { ...parent, name: line.name, file: line.file, line: line.line, skip: true, opensBlock: false };
    if (parent.skip) return frame;
    if (!spec) {
      const guess = closest(line.name, SECTION_NAMES);
      this.error(ErrorCode.CONFIG_SECTION, line.file, line.line, `unknown section <${line.name}>${guess ? ` (did you mean <${guess}>?)` : ""}`);
      return frame;
    }
    if (!spec.in.includes(parent.level) || (parent.block && spec.kind !== "if")) {
      this.error(ErrorCode.CONFIG_CONTEXT, line.file, line.line, `<${line.name}> is not allowed ${placeName(parent)}`);
      return frame;
    }
    if (spec.kind === "if") {
      if (line.args.length !== 1) {
        this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, `<${line.name}> takes one name`);
        return frame;
      }
      const negate = line.args[0].startsWith("!");
      const name = negate ? line.args[0].slice(1) : line.args[0];
      const holds = line.name.toLowerCase() === "ifdefine" ? this.defines.has(name) : this.table.hasModule(name);
      return { ...frame, skip: holds === negate };
    }
    if (spec.kind === "vhost") {
      if (line.args.length === 0) {
        this.error(ErrorCode.CONFIG_ARGUMENTS, line.file, line.line, "<VirtualHost> takes one or more addresses");
        return frame;
      }
      const vh = newServerBuild(-2 - this.vhosts.length, line.file, line.line);
      vh.addresses.push(...line.args);
      this.vhosts.push(vh);
      return { ...frame, skip: false, level: "vhost", server: vh, values: vh.values, section: null, handlerDirectory: null };
    }
    const section = this.makeSection(line, spec.kind, spec.match === true, parent);
    if (!section) return frame;
    parent.server.sections.push(section);
    const info = section.info;
    const handlerDirectory = info.kind === "directory" ? (info.regex ? null : info.pattern) : info.kind === "files" ? parent.handlerDirectory : null;
    return { ...frame, skip: false, level: "section", values: section.values, section, handlerDirectory };
  }

  private makeSection(line: ConfigLine, kind: SectionKind, match: boolean, parent: Frame): SectionBuild | null {
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
      pattern = path.resolve(this.serverRoot, pattern).replace(/\/*$/, "/");
      if (hasWildcard(pattern)) regex = compileWildcard(pattern, false);
    } else if (hasWildcard(pattern)) {
      regex = compileWildcard(pattern, kind === "files");
    }
    const depth = kind === "directory" ? pattern.split("/").filter(Boolean).length : 0;
    return {
      info: { id: this.sectionId++, kind, pattern, regex, isMatch: isRegex, depth, file: line.file, line: line.line },
      parent: kind === "files" ? parent.section : null,
      values: new ValuesBuilder(),
    };
  }

  private finish(): ParsedConfig {
    const built = new Map<SectionBuild, Section>();
    const finishSection = (s: SectionBuild): Section => {
      let done = built.get(s);
      if (!done) {
        done = { ...s.info, parent: s.parent ? finishSection(s.parent) : null, values: s.values.build() };
        built.set(s, done);
      }
      return done;
    };
    const mainValues = this.main.values.build();
    const mainSections = this.main.sections.map(finishSection);
    const main: ParsedServer = { isVirtual: false, addresses: [], values: mainValues, ownValues: mainValues, sections: mainSections, file: this.configFile, line: 0 };
    const vhosts = this.vhosts.map((vh): ParsedServer => {
      const own = vh.values.build();
      return {
        isVirtual: true,
        addresses: vh.addresses,
        values: mainValues.mergedWith(own),
        ownValues: own,
        sections: [...mainSections, ...vh.sections.map(finishSection)],
        file: vh.file,
        line: vh.line,
      };
    });
    return { configFile: this.configFile, files: this.files, serverRoot: this.serverRoot, defines: this.defines, main, vhosts, lines: this.lines };
  }
}

function newServerBuild(place: number, file: string, line: number): ServerBuild {
  return { place, values: new ValuesBuilder(), sections: [], addresses: [], file, line };
}

function canonical(name: string): string {
  return LANGUAGE_DIRECTIVES.find((d) => d.toLowerCase() === name.toLowerCase()) ?? name;
}

function placeName(frame: Frame): string {
  if (frame.block) return `inside <${frame.block.spec.name}>`;
  if (frame.level === "main") return "at server level";
  if (frame.level === "vhost") return "inside <VirtualHost>";
  return `inside <${frame.name}>`;
}
