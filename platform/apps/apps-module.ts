import { DECLINED, OK } from "../constants";
import { defineModule } from "../module";
import { TsAppAlias, mountFor, type AppMount } from "./directives";
import { mountOf, serveInProcess, setMount } from "./serve-app";

/** The content handler of mounted apps (`SetHandler ts-app` needs no mount: it names none). */
export const APP_HANDLER = "ts-app";

export interface AppsConfig {
  readonly mounts: readonly AppMount[];
}

/**
 * mod_wsgi's half of tsmod: `TsAppAlias` mounts a standard Node app (a request listener, a
 * fetch app, Fastify, Koa) on a URL space. Translation maps the URL to the app (the URL names
 * no file: the directory walk is skipped, `<Location>` sections apply); every later phase runs
 * as for any request, and the app is the content step.
 */
export const appsModule = defineModule<AppsConfig>({
  name: "apps",
  directives: [TsAppAlias],
  dirConfig: (values) => ({ mounts: values.get(TsAppAlias) ?? [] }),
  hooks: {
    translate: {
      when: (c) => c.mounts.length > 0,
      run(req, config) {
        const mount = mountFor(config.mounts, req.uri);
        if (mount === null) return DECLINED;
        setMount(req, mount);
        req.filename = mount.file;
        req.pathInfo = req.uri.slice(mount.prefix.length);
        req.handler = APP_HANDLER;
        return OK;
      },
    },
    mapToStorage: {
      when: (c) => c.mounts.length > 0,
      run: (req) => (mountOf(req) !== null ? OK : DECLINED),
    },
  },
  handlers: {
    [APP_HANDLER](req) {
      const mount = mountOf(req);
      return mount === null ? DECLINED : serveInProcess(req, mount);
    },
  },
});
