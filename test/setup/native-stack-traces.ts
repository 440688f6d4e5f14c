/*
 * Handler modules run in Node's main context, where Jest installs its own stack formatter,
 * which ignores the inline source maps tsmod compiles handlers with. Removing it there lets
 * Node's built-in source-map support format those traces, as it does in a real server.
 */
import * as vm from "node:vm";

beforeAll(() => {
  vm.runInThisContext("delete Error.prepareStackTrace");
});
