/** What the primary and its workers tell each other over the cluster IPC channel. */
export type WorkerMessage = { readonly tsmod: "listening"; readonly urls: string[] };
/**
 * `wholeCluster`: every worker is stopping, so the shared listeners close when the last one
 * stops accepting; otherwise the others go on serving (a reload, a replaced worker).
 */
export type PrimaryMessage = { readonly tsmod: "stop"; readonly wholeCluster: boolean };

export function isMessage<T extends WorkerMessage | PrimaryMessage>(value: unknown, kind: T["tsmod"]): value is T {
  return typeof value === "object" && value !== null && (value as { tsmod?: unknown }).tsmod === kind;
}
