import * as fs from "node:fs";
import type { DirectiveSpec } from "../../config";
import { configOf, defineModule, moduleState, type AuthProvider, type CheckContext } from "../../module";
import type { Request } from "../../request";
import { GroupFile, PasswordFile } from "./password-file";

/** A file directive's value: the absolute path and where it was written (for load-time checks). */
export interface FileSetting {
  readonly path: string;
  readonly file: string;
  readonly line: number;
}

function fileDirective(name: string): DirectiveSpec<FileSetting> {
  return { name, context: "both", args: 1, parse: ([p], where) => ({ path: where.resolvePath(p), file: where.file, line: where.line }) };
}

export const AuthUserFile = fileDirective("AuthUserFile");
export const AuthGroupFile = fileDirective("AuthGroupFile");

export interface AuthnFileConfig {
  readonly userFile: FileSetting | undefined;
  readonly groupFile: FileSetting | undefined;
}

/** One reader per file for the configuration's lifetime, shared by every section naming it. */
class Files {
  private readonly users = new Map<string, PasswordFile>();
  private readonly groups = new Map<string, GroupFile>();

  userFile(path: string): PasswordFile {
    let f = this.users.get(path);
    if (!f) this.users.set(path, (f = new PasswordFile(path)));
    return f;
  }

  groupFile(path: string): GroupFile {
    let f = this.groups.get(path);
    if (!f) this.groups.set(path, (f = new GroupFile(path)));
    return f;
  }
}

/** The groups `AuthGroupFile` gives a user; undefined where no group file is configured. */
export function groupFileGroups(req: Request, user: string): readonly string[] | undefined {
  const config = configOf(req, authnFileModule);
  return config.groupFile ? moduleState<Files>(req, authnFileModule).groupFile(config.groupFile.path).groups(user) : undefined;
}

/** Provider `file` (mod_authn_file with mod_authz_groupfile's groups). */
const fileProvider: AuthProvider = {
  checkPassword(req, user, password) {
    const config = configOf(req, authnFileModule);
    if (!config.userFile) throw new Error(`${req.uri}: AuthBasicProvider file needs an AuthUserFile here`);
    return moduleState<Files>(req, authnFileModule).userFile(config.userFile.path).check(user, password);
  },
  groups: async (req, user) => groupFileGroups(req, user),
};

/** A named file that cannot be read is a load error at its line, not a 500 on the first request. */
function checkFiles(ctx: CheckContext): void {
  const places = [ctx.config.main, ...ctx.config.vhosts].flatMap((s) => [s.ownValues, ...s.sections.map((x) => x.values)]);
  const seen = new Set<FileSetting>();
  for (const values of places) {
    for (const spec of [AuthUserFile, AuthGroupFile]) {
      const setting = values.get(spec);
      if (!setting || seen.has(setting)) continue;
      seen.add(setting);
      try {
        fs.accessSync(setting.path, fs.constants.R_OK);
      } catch (e) {
        ctx.report(setting.file, setting.line, `${spec.name}: cannot read ${setting.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    }
  }
}

/**
 * Apache's mod_authn_file and mod_authz_groupfile: `AuthUserFile` (htpasswd) behind the `file`
 * authentication provider, `AuthGroupFile` for `Require group`. Both files are re-read when they
 * change.
 */
export const authnFileModule = defineModule<AuthnFileConfig>({
  name: "authn_file",
  directives: [AuthUserFile, AuthGroupFile],
  dirConfig: (values) => ({ userFile: values.get(AuthUserFile), groupFile: values.get(AuthGroupFile) }),
  providers: { auth: { file: fileProvider } },
  check: checkFiles,
  start: () => new Files(),
});
