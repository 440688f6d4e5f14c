import * as path from "node:path";
import { HTTP_UNAUTHORIZED, OK, type Request } from "tsmod";
import { UserDb } from "./user-db";

let db: UserDb | undefined;

function users(req: Request): UserDb {
  const file = req.getOptions().get("demo.user_db") ?? "data/users.db";
  db ??= new UserDb(path.resolve(req.server.serverRoot, file));
  return db;
}

/** Basic authentication against the site's user database; guards whatever the Location holds. */
export function authenhandler(req: Request): number {
  const password = req.getBasicAuthPw();
  if (password === null || req.user === null) return HTTP_UNAUTHORIZED;
  if (!users(req).check(req.user, password)) return HTTP_UNAUTHORIZED;
  return OK;
}

/** Closes the database when the module is reloaded or the server stops. */
export function __unload__(): void {
  db?.close();
  db = undefined;
}

