import { runDaemonProcess } from "../apps";
import { loadSiteConfig, type ModuleSet } from "../module";
import { explain } from "./explain";
import { init } from "./init";
import { reportConfigErrors } from "./report-errors";
import { SERVER_SOFTWARE } from "../constants";
import { control, CONTROL_VERBS, type ControlVerb } from "./control";
import { deployCommand } from "./deploy";
import { serve } from "./serve";

const USAGE = `usage: tsmod serve -f FILE [-D NAME]...
       tsmod configtest -f FILE [-D NAME]...
       tsmod explain -f FILE [-D NAME]... URL [--method M] [--host H]
       tsmod start|stop|graceful|graceful-stop|restart|status -f FILE [-D NAME]...
       tsmod deploy -f FILE [-D NAME]...
       tsmod init DIR
       tsmod --version`;

const VERSION = SERVER_SOFTWARE.replace("/", " ");

/**
 * A command the package entry adds to the platform's own (`tsmod passwd`, ...): the code behind
 * it lives above the platform, which knows no feature by name.
 */
export interface CliCommand {
  /** Its usage lines, shown by `tsmod --help`. */
  readonly usage: string;
  /** Runs with the arguments after the command's name; sets process.exitCode on failure. */
  run(argv: string[], modules: ModuleSet): Promise<void>;
}

interface Args {
  command: string;
  file: string;
  defines: string[];
  /** explain's URL. */
  url: string | null;
  method: string;
  host: string | null;
}

function parseArgs(argv: string[]): Args | string {
  const [command, ...rest] = argv;
  if (!command || command === "-h" || command === "--help") return USAGE;
  if (command === "-v" || command === "--version") return VERSION;
  let file = "";
  const defines: string[] = [];
  const args: Args = { command, file, defines, url: null, method: "GET", host: null };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === "-f" && rest[i + 1]) file = rest[++i];
    else if (a === "-D" && rest[i + 1]) defines.push(rest[++i]);
    else if (a.startsWith("-D") && a.length > 2) defines.push(a.slice(2));
    else if (command === "explain" && a === "--method" && rest[i + 1]) args.method = rest[++i].toUpperCase();
    else if (command === "explain" && a === "--host" && rest[i + 1]) args.host = rest[++i];
    else if (command === "explain" && !a.startsWith("-") && args.url === null) args.url = a;
    else return `tsmod: unexpected argument '${a}'\n${USAGE}`;
  }
  if (!file) return `tsmod: -f FILE is required\n${USAGE}`;
  if (command === "explain" && args.url === null) return `tsmod: explain needs a URL (a path like /app/x, or http://host/app/x)\n${USAGE}`;
  return { ...args, file };
}

/**
 * The `tsmod` command. `modules` are the shipped modules (the core's features, sessions, the
 * publisher, PSP): the package entry passes them, since the platform itself knows none.
 */
export async function main(argv: string[], modules: ModuleSet, commands: Readonly<Record<string, CliCommand>> = {}): Promise<void> {
  const extra = Object.hasOwn(commands, argv[0] ?? "") ? commands[argv[0]] : undefined;
  if (extra) return extra.run(argv.slice(1), modules);
  // Not for users: how the server starts a TsDaemonProcess group's processes.
  if (argv[0] === "daemon-process") return runDaemonProcess(modules.builtins());
  if (argv[0] === "init") return initCommand(argv.slice(1));
  const args = parseArgs(argv);
  if (typeof args === "string") {
    if (args === VERSION) {
      process.stdout.write(args + "\n");
      return;
    }
    const usage = [args, ...Object.values(commands).map((c) => c.usage)].join("\n");
    process.stderr.write(usage + "\n");
    process.exitCode = args === USAGE ? 0 : 2;
    return;
  }
  if ((CONTROL_VERBS as readonly string[]).includes(args.command)) {
    process.exitCode = await control(args.command as ControlVerb, args.file, args.defines, modules);
    return;
  }
  if (args.command === "configtest") return configtest(args, modules);
  if (args.command === "explain") return explainCommand(args, modules);
  if (args.command === "serve") return serve(args.file, args.defines, modules);
  if (args.command === "deploy") {
    return deployCommand(args.file, args.defines, modules).catch((e: unknown) => {
      reportConfigErrors(e);
      process.exitCode = 1;
    });
  }
  process.stderr.write(`tsmod: unknown command '${args.command}'\n${USAGE}\n`);
  process.exitCode = 2;
}

/**
 * Reads the configuration as `serve` would and also compiles and evaluates the handler modules
 * it names. Their top-level code may leave a timer or a socket open: the command ends anyway.
 */
function configtest(args: Args, modules: ModuleSet): void {
  try {
    loadSiteConfig(args.file, modules, { defines: args.defines, deep: true });
    process.stdout.write("Syntax OK\n");
  } catch (e) {
    reportConfigErrors(e);
    process.exitCode = 1;
  }
  exitSoon();
}

function explainCommand(args: Args, modules: ModuleSet): void {
  try {
    const site = loadSiteConfig(args.file, modules, { defines: args.defines });
    process.stdout.write(explain(site, { url: args.url!, method: args.method, host: args.host }));
  } catch (e) {
    reportConfigErrors(e);
    process.exitCode = 1;
  }
  exitSoon();
}

/** Ends the process once pending output is written, whatever site code left running. */
function exitSoon(): void {
  setTimeout(() => process.exit(), 50).unref();
}

function initCommand(args: string[]): void {
  if (args.length !== 1 || args[0].startsWith("-")) {
    process.stderr.write(args.includes("--help") || args.includes("-h") ? "usage: tsmod init DIR\n" : `tsmod: init takes one folder\n${USAGE}\n`);
    process.exitCode = args.includes("--help") || args.includes("-h") ? 0 : 2;
    return;
  }
  try {
    init(args[0]);
  } catch (e) {
    process.stderr.write(`tsmod init: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
