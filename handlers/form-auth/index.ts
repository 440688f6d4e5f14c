export { formAuthModule, SESSION_USER, SESSION_PROVIDER } from "./form-auth-module";
