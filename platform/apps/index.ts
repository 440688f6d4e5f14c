export { appsModule, APP_HANDLER, type AppsConfig } from "./apps-module";
export { tsmodRequest, appEnv, type AppEnv } from "./app-env";
export type { AppMount } from "./directives";
export { runDaemonProcess } from "./daemon-process";
export type { DaemonSpec } from "./daemon-directives";
