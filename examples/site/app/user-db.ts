import Database from "better-sqlite3";
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The demo's user database: SQLite, created on first use with one user (demo/demo).
 * Passwords are stored as scrypt hashes.
 */
export class UserDb {
  private readonly db: Database.Database;
  private readonly lookup: Database.Statement<[string], { salt: Buffer; hash: Buffer }>;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.exec("CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, salt BLOB NOT NULL, hash BLOB NOT NULL)");
    const count = this.db.prepare("SELECT count(*) AS n FROM users").get() as { n: number };
    if (count.n === 0) this.add("demo", "demo");
    this.lookup = this.db.prepare("SELECT salt, hash FROM users WHERE name = ?");
  }

  add(name: string, password: string): void {
    const salt = randomBytes(16);
    this.db.prepare("INSERT OR REPLACE INTO users (name, salt, hash) VALUES (?, ?, ?)").run(name, salt, scryptSync(password, salt, 32));
  }

  check(name: string, password: string): boolean {
    const row = this.lookup.get(name);
    if (!row) return false;
    return timingSafeEqual(scryptSync(password, row.salt, 32), row.hash);
  }

  close(): void {
    this.db.close();
  }
}
