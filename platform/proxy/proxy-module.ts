import { DECLINED, OK } from "../constants";
import { HOOK_FIRST, defineModule } from "../module";
import { ProxyAddRemoteUser, ProxyPass, ProxyPassReverse, ProxyPreserveHost, ProxyTimeout, type ProxyConfig } from "./directives";
import { proxyRequest } from "./proxy-request";
import { PROXY_HANDLER, proxyFilename } from "./proxy-route";


/**
 * mod_proxy and mod_proxy_http/wstunnel: `ProxyPass` sends a URL space to a backend, after every
 * earlier phase has run (so access, authentication and authorization guard the backend as they
 * guard TypeScript content). Such a URL names no file: the directory walk is skipped.
 */
export const proxyModule = defineModule<ProxyConfig>({
  name: "proxy",
  directives: [ProxyPass, ProxyPassReverse, ProxyPreserveHost, ProxyTimeout, ProxyAddRemoteUser],
  dirConfig: (values) => ({
    rules: [...(values.get(ProxyPass)?.values() ?? [])].sort((a, b) => b.prefix.length - a.prefix.length),
    reverse: values.get(ProxyPassReverse) ?? new Map(),
    preserveHost: values.get(ProxyPreserveHost) ?? false,
    addRemoteUser: values.get(ProxyAddRemoteUser) ?? false,
    timeout: values.get(ProxyTimeout),
  }),
  hooks: {
    mapToStorage: {
      order: HOOK_FIRST,
      when: (c) => c.rules.length > 0,
      run(req, config) {
        const filename = proxyFilename(config.rules, req.uri, req.args);
        if (filename === null) return DECLINED;
        req.filename = filename;
        // `SetHandler` (e.g. `tsmod`) still wins, as in Apache; when it declines, the backend answers.
        req.handler = req._state.plan.core.setHandler || PROXY_HANDLER;
        req._state.fallbackHandler = PROXY_HANDLER;
        return OK;
      },
    },
  },
  handlers: { [PROXY_HANDLER]: proxyRequest },
});
