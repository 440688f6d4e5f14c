/**
 * What the server tells a daemon process with each request, in headers it sets itself (any
 * the client sent under these names are dropped first).
 */
export const DAEMON_HEADERS = {
  file: "x-tsmod-app-file",
  exportName: "x-tsmod-app-export",
  user: "x-tsmod-user",
  mount: "x-tsmod-mount",
  originalUrl: "x-tsmod-original-url",
  autoReload: "x-tsmod-auto-reload",
} as const;

export const DAEMON_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(DAEMON_HEADERS));

/** Environment of a daemon process. */
export const DAEMON_ENV = { socket: "TSMOD_DAEMON_SOCKET", group: "TSMOD_DAEMON_GROUP", memoryMb: "TSMOD_DAEMON_MEMORY_MB" } as const;

/** Messages a daemon process sends the server over its IPC channel. */
export type DaemonMessage = { readonly type: "ready" } | { readonly type: "over-memory"; readonly rssMb: number };
