/** What the primary and its workers tell each other over the cluster IPC channel. */
export type WorkerMessage = { readonly tsmod: "listening"; readonly urls: string[] };
export type PrimaryMessage = { readonly tsmod: "stop" };

export function isMessage<T extends WorkerMessage | PrimaryMessage>(value: unknown, kind: T["tsmod"]): value is T {
  return typeof value === "object" && value !== null && (value as { tsmod?: unknown }).tsmod === kind;
}
