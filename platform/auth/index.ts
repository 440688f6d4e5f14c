export { authModule } from "./auth-module";
export { authBasicModule } from "./auth-basic-module";
export { authnFileModule } from "./authn-file/authn-file-module";
