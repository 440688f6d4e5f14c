export { ClusterPrimary, type PrimaryOptions } from "./primary";
export { runWorker } from "./worker";
export { RestartBackoff } from "./restart-backoff";
