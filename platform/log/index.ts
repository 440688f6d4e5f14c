export { ErrorLog, type LogSink } from "./error-log";
export { AccessLogs } from "./access-log";
export { compileLogFormat, PREDEFINED_LOG_FORMATS, type LogRecord } from "./log-format";
export { escapeLogItem, escapeErrorLogText } from "./escape";
