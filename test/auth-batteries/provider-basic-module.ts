import { AUTHN_PROVIDER_NOTE, DECLINED, HTTP_UNAUTHORIZED, OK, defineModule, moduleState, type AuthProvider, type TsmodModule } from "tsmod";

type Config = { TestAuthProvider?: string[] };

/**
 * A test stand-in for Basic authentication through `auth` providers (what `AuthBasicProvider`
 * does): `TestAuthProvider NAME...` asks the providers in order and records the one that
 * authenticated; `Require group` lines are answered by that provider's groups.
 */
const providerBasicModule: TsmodModule<Config> = defineModule<Config>({
  name: "test_provider_basic",
  directives: [{ name: "TestAuthProvider", context: "dir", args: [1, 9], parse: (args: string[]) => args }],
  start: (ctx) => ctx.providers<AuthProvider>("auth"),
  hooks: {
    authn: {
      when: (c) => Boolean(c.TestAuthProvider),
      async run(req, c) {
        const password = req.getBasicAuthPw();
        if (password === null || !req.user) return HTTP_UNAUTHORIZED;
        const providers = moduleState<ReadonlyMap<string, AuthProvider>>(req, providerBasicModule);
        for (const name of c.TestAuthProvider!) {
          const result = await providers.get(name)!.checkPassword(req, req.user, password);
          if (result === "granted") {
            req.notes.set(AUTHN_PROVIDER_NOTE, name);
            return OK;
          }
          if (result === "denied") return HTTP_UNAUTHORIZED;
        }
        return HTTP_UNAUTHORIZED;
      },
    },
    authz: {
      when: (c) => Boolean(c.TestAuthProvider),
      async run(req) {
        const wanted = req.requires().filter((line) => line.startsWith("group ")).flatMap((line) => line.split(" ").slice(1));
        if (wanted.length === 0) return DECLINED;
        const provider = moduleState<ReadonlyMap<string, AuthProvider>>(req, providerBasicModule).get(req.notes.get(AUTHN_PROVIDER_NOTE) ?? "");
        const groups = (await provider?.groups?.(req, req.user!)) ?? [];
        return groups.some((g) => wanted.includes(g)) ? OK : DECLINED;
      },
    },
  },
});
export default providerBasicModule;
