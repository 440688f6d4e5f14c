/** `TsInspect`: Node's inspector for the handlers' process (mod_python's PythonEnablePdb). */
export { inspectModule } from "./inspect-module";
