/** mod_include (server-side includes) as a module: the INCLUDES output filter. */
export { includeModule } from "./include-module";
