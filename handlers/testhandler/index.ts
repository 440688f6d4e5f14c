/** `tsmod/testhandler`: mod_python's diagnostic page. */
export { handler } from "./testhandler";
