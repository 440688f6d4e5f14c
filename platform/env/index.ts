export { envModule } from "./env-module";
