export { authModule } from "./auth-module";
