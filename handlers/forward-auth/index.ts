export { forwardAuthModule, FORWARD_AUTH_HANDLER } from "./forward-auth-module";
