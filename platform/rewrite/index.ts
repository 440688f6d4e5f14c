export { rewriteModule } from "./rewrite-module";
