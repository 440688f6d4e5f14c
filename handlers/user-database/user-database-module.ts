import { APLOG_ERR, configOf, defineModule, moduleState, type AuthProvider, type ModuleContext, type Request } from "../../platform";
import { checkUserDatabaseOptions, databaseSpec, dirUserDatabaseConfig, type UserDatabaseConfig } from "./user-database-config";
import { UserStore } from "./user-store";

/**
 * The user databases of one loaded configuration, one store per distinct database, opened on
 * first use; each watches the change log so other processes' changes reach its cache.
 */
class UserDatabases {
  private readonly stores = new Map<string, UserStore>();

  constructor(private readonly ctx: ModuleContext) {}

  get(config: UserDatabaseConfig): UserStore {
    const spec = databaseSpec(config, this.ctx.config.serverRoot);
    const key = `${spec.location}\0${spec.schema ?? ""}`;
    let store = this.stores.get(key);
    if (!store) {
      store = new UserStore(spec, (message) => this.ctx.errorLog.log(message, APLOG_ERR), config.params);
      store.watchChanges();
      this.stores.set(key, store);
    }
    return store;
  }

  async close(): Promise<void> {
    await Promise.all([...this.stores.values()].map((s) => s.close()));
  }
}

/** The store and settings the request's place uses. */
export function storeFor(req: Request): { store: UserStore; config: UserDatabaseConfig } {
  const config = configOf(req, userDatabaseModule);
  return { store: moduleState<UserDatabases>(req, userDatabaseModule).get(config), config };
}

/** `AuthBasicProvider tsmod` / `AuthFormProvider tsmod`. */
const tsmodProvider: AuthProvider = {
  checkPassword(req, user, password) {
    const { store, config } = storeFor(req);
    return store.checkPassword(user, password, config.cacheMs);
  },
  groups(req, user) {
    const { store, config } = storeFor(req);
    return store.groups(user, config.cacheMs);
  },
};

/** The tsmod user database (DESIGN.md §8): users and groups in SQL, provider "tsmod". */
export const userDatabaseModule = defineModule<UserDatabaseConfig>({
  name: "authn_tsmod",
  options: {
    "tsmod.auth.database": "the user database: a SQLite file (default data/users.db under ServerRoot) or a postgres:// URL",
    "tsmod.auth.schema": "PostgreSQL schema of the user tables (created if missing)",
    "tsmod.auth.cache_seconds": "how long a verified password is remembered (default 60; 0: never)",
    "tsmod.auth.scrypt_cost": "scrypt cost (log2 N) of new password hashes (default 15)",
  },
  dirConfig: dirUserDatabaseConfig,
  check: checkUserDatabaseOptions,
  providers: { auth: { tsmod: tsmodProvider } },
  start: (ctx) => new UserDatabases(ctx),
  stop: (state: UserDatabases) => state.close(),
});
