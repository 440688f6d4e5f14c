import { ConfigErrors, loadSiteConfig, type CliCommand, type ModuleSet } from "../../platform";
import { writeHtpasswdEntry } from "./htpasswd-file";
import { passwordFromStdin, passwordFromTerminal } from "./read-password";
import { databaseSpec, readUserDatabaseConfig } from "./user-database-config";
import { UserStore } from "./user-store";

interface Parsed {
  file: string;
  defines: string[];
  stdin: boolean;
  create: boolean;
  words: string[];
}

/** `-f FILE`, `-D NAME`, `--stdin`/`-i`, `-c` and the remaining words. */
function parse(argv: string[]): Parsed {
  const out: Parsed = { file: "", defines: [], stdin: false, create: false, words: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-f" && argv[i + 1]) out.file = argv[++i];
    else if (a === "-D" && argv[i + 1]) out.defines.push(argv[++i]);
    else if (a === "--stdin" || a === "-i") out.stdin = true;
    else if (a === "-c") out.create = true;
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option '${a}'`);
    else out.words.push(a);
  }
  return out;
}

class UsageError extends Error {}

/** Opens the user database the configuration's main server names, runs `work`, closes it. */
async function withStore(args: Parsed, modules: ModuleSet, work: (store: UserStore) => Promise<void>): Promise<void> {
  if (!args.file) throw new UsageError("-f FILE is required");
  const site = loadSiteConfig(args.file, modules, { defines: args.defines });
  const config = readUserDatabaseConfig(site.mainServer.core.options);
  const store = new UserStore(databaseSpec(config, site.parsed.serverRoot), undefined, config.params);
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

/** A command whose failures print `tsmod VERB: message` and exit 1 (2 for usage). */
function command(usage: string, run: (args: Parsed, modules: ModuleSet) => Promise<void>): CliCommand {
  return {
    usage,
    async run(argv, modules) {
      try {
        if (argv.includes("--help") || argv.includes("-h")) {
          process.stdout.write(usage + "\n");
          return;
        }
        await run(parse(argv), modules);
      } catch (e) {
        const message = e instanceof ConfigErrors ? e.message : (e as Error).message;
        process.stderr.write(`tsmod: ${message}\n${e instanceof UsageError ? usage + "\n" : ""}`);
        process.exitCode = e instanceof UsageError ? 2 : 1;
      }
    },
  };
}

function fail(message: string): never {
  throw new Error(message);
}

const readPassword = (args: Parsed) => (args.stdin ? passwordFromStdin() : passwordFromTerminal());

const passwd = command("       tsmod passwd -f FILE [--stdin] USER", async (args, modules) => {
  if (args.words.length !== 1) throw new UsageError("passwd takes one USER");
  const [user] = args.words;
  const password = await readPassword(args);
  await withStore(args, modules, async (store) => {
    const created = await store.setPassword(user, password);
    process.stdout.write(`${created ? "Adding" : "Updating"} password for user ${user}\n`);
  });
});

const users = command("       tsmod users -f FILE", async (args, modules) => {
  if (args.words.length !== 0) throw new UsageError("users takes no argument");
  await withStore(args, modules, async (store) => {
    for (const u of await store.list()) {
      process.stdout.write(`${u.name}${u.disabled ? " (disabled)" : ""}${u.groups.length ? `\tgroups: ${u.groups.join(",")}` : ""}\n`);
    }
  });
});

const user = command("       tsmod user del|disable|enable -f FILE USER", async (args, modules) => {
  const [verb, name, ...more] = args.words;
  if (!name || more.length || !["del", "disable", "enable"].includes(verb)) throw new UsageError("user takes del|disable|enable and one USER");
  await withStore(args, modules, async (store) => {
    const done = verb === "del" ? await store.deleteUser(name) : await store.setDisabled(name, verb === "disable");
    if (!done) fail(`user ${verb}: no user '${name}'`);
    process.stdout.write(`${verb === "del" ? "Deleted" : verb === "disable" ? "Disabled" : "Enabled"} user ${name}\n`);
  });
});

const group = command("       tsmod group add|del -f FILE GROUP USER...", async (args, modules) => {
  const [verb, name, ...members] = args.words;
  if (!name || members.length === 0 || !["add", "del"].includes(verb)) throw new UsageError("group takes add|del, a GROUP and one or more USERs");
  await withStore(args, modules, async (store) => {
    for (const member of members) {
      const done = verb === "add" ? await store.addToGroup(member, name) : await store.removeFromGroup(member, name);
      if (!done) fail(verb === "add" ? `group add: no user '${member}'` : `group del: user '${member}' is not in group '${name}'`);
      process.stdout.write(`${verb === "add" ? "Added" : "Removed"} ${member} ${verb === "add" ? "to" : "from"} group ${name}\n`);
    }
  });
});

const htpasswd = command("       tsmod htpasswd [-c] [-i|--stdin] PASSWDFILE USER", async (args) => {
  if (args.words.length !== 2) throw new UsageError("htpasswd takes PASSWDFILE and USER");
  const [file, name] = args.words;
  const password = await readPassword(args);
  const how = await writeHtpasswdEntry(file, name, password, args.create);
  process.stdout.write(`${how === "added" ? "Adding" : "Updating"} password for user ${name}\n`);
});

/** The user-database commands of DESIGN.md §3, for the `tsmod` command line. */
export const userDatabaseCommands: Readonly<Record<string, CliCommand>> = { passwd, users, user, group, htpasswd };
