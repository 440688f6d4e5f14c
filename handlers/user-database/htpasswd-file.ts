import { promises as fs } from "node:fs";
import bcrypt from "bcryptjs";

/** Apache htpasswd's default bcrypt cost for `-B`. */
const BCRYPT_COST = 10;

/**
 * Writes `user:bcrypt-hash` into an htpasswd file (Apache's `htpasswd -B`), replacing the user's
 * line or appending one; `create` starts a new file. Written to a temporary file and renamed,
 * so a server re-reading the file never sees half of it.
 */
export async function writeHtpasswdEntry(file: string, user: string, password: string, create: boolean): Promise<"added" | "updated"> {
  if (!user || /[:\r\n]/.test(user)) throw new Error(`invalid user name ${JSON.stringify(user)} (no colon, no line break)`);
  // $2y$ is what Apache writes; bcryptjs makes $2b$, the same algorithm.
  const hash = (await bcrypt.hash(password, BCRYPT_COST)).replace(/^\$2b\$/, "$2y$");
  let lines: string[] = [];
  if (!create) {
    try {
      lines = (await fs.readFile(file, "utf8")).split(/\r?\n/).filter((l) => l !== "");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`cannot modify file ${file}; use '-c' to create it`);
      throw e;
    }
  }
  const at = lines.findIndex((l) => l.slice(0, l.indexOf(":")) === user);
  const entry = `${user}:${hash}`;
  if (at >= 0) lines[at] = entry;
  else lines.push(entry);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, lines.join("\n") + "\n", { mode: 0o640 });
  await fs.rename(tmp, file);
  return at >= 0 ? "updated" : "added";
}
