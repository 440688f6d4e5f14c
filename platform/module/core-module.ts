import { CORE_DIRECTIVES, coreDirectives, listenerPlans, tlsProblem } from "../core";
import { DEPLOY_DATABASE, DEPLOY_HOST, DEPLOY_SCHEMA } from "../fleet";
import { defineModule, type CheckContext } from "./define-module";

/** Apache's core directives as the first module of every set: what the engine itself reads. */
export const coreModule = defineModule({
  name: "core",
  directives: CORE_DIRECTIVES,
  options: {
    "tsmod.form.max_fields": "most fields a form may have",
    "tsmod.form.max_field_size": "largest form field, in bytes",
    "tsmod.form.max_file_size": "largest uploaded file, in bytes",
    "tsmod.form.max_files": "most files one form may upload",
    "tsmod.form.tmp_dir": "folder of uploaded files while a request runs",
    "tsmod.form.keep_blank": "1: keep blank form values",
    "tsmod.secret": "keys for signed and sealed cookies (the first signs)",
    "tsmod.secret_file": "a file of such keys, one a line",
    // Read by `tsmod serve` and `tsmod deploy` (platform/fleet) at the main server's level.
    [DEPLOY_DATABASE]: "PostgreSQL URL of the configuration generation the hosts share (tsmod deploy)",
    [DEPLOY_SCHEMA]: "schema of the generation tables (default tsmod_deploy)",
    [DEPLOY_HOST]: "this host's name among them (default ServerName)",
  },
  check(ctx) {
    checkFolders(ctx);
    // A bad certificate is found at load (and by configtest), not at the first handshake. A
    // certificate line in error leaves the server without one: that is reported already.
    if (!ctx.clean) return;
    for (const server of ctx.servers) {
      const problem = server.tls && tlsProblem(server.tls, server);
      if (problem) ctx.report(problem.file, problem.line, problem.message);
    }
    listenerPlans(ctx.main, ctx.servers, (message) => ctx.report(ctx.config.configFile, 1, message));
  },
});

/** configtest: the error logs and upload folders named must be writable. */
function checkFolders(ctx: CheckContext): void {
  if (!ctx.deep) return;
  for (const l of ctx.config.lines) {
    if (l.spec === coreDirectives.ErrorLog && l.value !== "stderr" && l.value !== "stdout") ctx.deep.writable(l.value as string, "ErrorLog", l);
    if (l.spec === coreDirectives.TsOption && l.args[0] === "tsmod.form.tmp_dir" && l.args[1]) ctx.deep.writable(l.args[1], "TsOption tsmod.form.tmp_dir", l, "folder");
  }
}
