import type { CoreMain } from "../core";

/**
 * `User`/`Group`: a server started as root (to bind port 80 or 443) gives root up once it
 * listens, group first (a process that is no longer root cannot change its group).
 */
export function dropPrivileges(main: CoreMain): void {
  const { getuid, setgid, setuid, setgroups } = process;
  if (!getuid || !setgid || !setuid || !setgroups || getuid() !== 0) return;
  const id = (v: string) => (v.startsWith("#") ? Number(v.slice(1)) : v);
  if (main.group) setgid(id(main.group));
  if (main.user) {
    // Supplementary groups of root would outlive the change of user.
    if (main.group) setgroups([id(main.group)]);
    setuid(id(main.user));
  }
}
