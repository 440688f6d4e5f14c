export { expiresModule } from "./expires-module";
