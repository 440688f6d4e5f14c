export { mimeModule, contentTypeFor } from "./mime-module";
