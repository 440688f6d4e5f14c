import type { Request } from "../../platform";
import { storeFor } from "./user-database-module";
import type { UserInfo } from "./user-store";

/** The tsmod user database as handler code sees it: `userDatabase(req)` from "tsmod". */
export interface UserDatabase {
  /** The user and their groups when the password is right and the user enabled; else null. */
  verify(name: string, password: string): Promise<{ name: string; groups: readonly string[] } | null>;
  /** The user's groups; undefined for an unknown or disabled user. */
  groups(name: string): Promise<readonly string[] | undefined>;
  /** Creates the user or changes the password. */
  setPassword(name: string, password: string): Promise<void>;
  /** False when there is no such user. */
  addToGroup(name: string, group: string): Promise<boolean>;
  removeFromGroup(name: string, group: string): Promise<boolean>;
  deleteUser(name: string): Promise<boolean>;
  setDisabled(name: string, disabled: boolean): Promise<boolean>;
  list(): Promise<UserInfo[]>;
}

/** The user database of the request's place (`TsOption tsmod.auth.database`). */
export function userDatabase(req: Request): UserDatabase {
  const { store, config } = storeFor(req);
  return {
    async verify(name, password) {
      if ((await store.checkPassword(name, password, config.cacheMs)) !== "granted") return null;
      const groups = await store.groups(name, config.cacheMs);
      return groups ? { name, groups } : null;
    },
    groups: (name) => store.groups(name, config.cacheMs),
    setPassword: async (name, password) => void (await store.setPassword(name, password)),
    addToGroup: (name, group) => store.addToGroup(name, group),
    removeFromGroup: (name, group) => store.removeFromGroup(name, group),
    deleteUser: (name) => store.deleteUser(name),
    setDisabled: (name, disabled) => store.setDisabled(name, disabled),
    list: () => store.list(),
  };
}
