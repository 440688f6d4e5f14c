import { CORE_DIRECTIVES, listenerPlans, tlsProblem } from "../core";
import { defineModule } from "./define-module";

/** Apache's core directives as the first module of every set: what the engine itself reads. */
export const coreModule = defineModule({
  name: "core",
  directives: CORE_DIRECTIVES,
  // A bad certificate is found at load (and by configtest), not at the first handshake.
  check(ctx) {
    // A certificate line in error leaves the server without one: that is reported already.
    if (!ctx.clean) return;
    for (const server of ctx.servers) {
      const problem = server.tls && tlsProblem(server.tls, server);
      if (problem) ctx.report(problem.file, problem.line, problem.message);
    }
    listenerPlans(ctx.main, ctx.servers, (message) => ctx.report(ctx.config.configFile, 1, message));
  },
});
