export { ErrorLog, type LogSink } from "./error-log";
export { LogWriter } from "./log-writer";
export { escapeLogItem, escapeErrorLogText } from "./escape";
export { logError, useProcessLog, retireProcessLog } from "./process-log";
export { errorText } from "./error-text";
