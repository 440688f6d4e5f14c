/** The tsmod user database (DESIGN.md §8): provider "tsmod", `userDatabase(req)`, the CLI's user commands. */
export { userDatabaseModule } from "./user-database-module";
export { userDatabase, type UserDatabase } from "./user-database-api";
export { userDatabaseCommands } from "./commands";
export { UserStore, type UserInfo, type DatabaseSpec } from "./user-store";
export { hashPassword, verifyPassword, type ScryptParams } from "./password-hash";
