/** mod_log_config as a module: the access logs. */
export { accessLogModule } from "./access-log-module";
export { compileLogFormat, PREDEFINED_LOG_FORMATS, type LogRecord } from "./log-format";
