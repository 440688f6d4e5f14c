export { ErrorLog, type LogSink } from "./error-log";
