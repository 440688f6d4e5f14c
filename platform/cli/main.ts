import { loadSiteConfig, type ModuleSet } from "../module";
import { init } from "./init";
import { reportConfigErrors } from "./report-errors";
import { serve } from "./serve";

const USAGE = `usage: tsmod serve -f FILE [-D NAME]...
       tsmod configtest -f FILE [-D NAME]...
       tsmod init DIR`;

interface Args {
  command: string;
  file: string;
  defines: string[];
}

function parseArgs(argv: string[]): Args | string {
  const [command, ...rest] = argv;
  if (!command || command === "-h" || command === "--help") return USAGE;
  let file = "";
  const defines: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === "-f" && rest[i + 1]) file = rest[++i];
    else if (a === "-D" && rest[i + 1]) defines.push(rest[++i]);
    else if (a.startsWith("-D") && a.length > 2) defines.push(a.slice(2));
    else return `tsmod: unexpected argument '${a}'\n${USAGE}`;
  }
  if (!file) return `tsmod: -f FILE is required\n${USAGE}`;
  return { command, file, defines };
}

/**
 * The `tsmod` command. `modules` are the shipped modules (the core's features, sessions, the
 * publisher, PSP): the package entry passes them, since the platform itself knows none.
 */
export async function main(argv: string[], modules: ModuleSet): Promise<void> {
  if (argv[0] === "init") return initCommand(argv.slice(1));
  const args = parseArgs(argv);
  if (typeof args === "string") {
    process.stderr.write(args + "\n");
    process.exitCode = args === USAGE ? 0 : 2;
    return;
  }
  if (args.command === "configtest") return configtest(args, modules);
  if (args.command === "serve") return serve(args.file, args.defines, modules);
  process.stderr.write(`tsmod: unknown command '${args.command}'\n${USAGE}\n`);
  process.exitCode = 2;
}

function configtest(args: Args, modules: ModuleSet): void {
  try {
    loadSiteConfig(args.file, modules, { defines: args.defines });
    process.stdout.write("Syntax OK\n");
  } catch (e) {
    reportConfigErrors(e);
    process.exitCode = 1;
  }
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
