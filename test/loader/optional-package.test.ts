import * as path from "node:path";
import { ErrorCode, loadOptionalPackage } from "../../platform";

const CHECKOUT = path.resolve(__dirname, "../..");

test("a missing optional peer: which feature needs it, and the npm install that fixes it", () => {
  let thrown: unknown;
  try {
    loadOptionalPackage(() => require("tsmod-no-such-package"), "tsmod-no-such-package", "TsOption tsmod.session.type sqlite");
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toMatchObject({
    code: ErrorCode.PACKAGE_NOT_INSTALLED,
    message: `cannot find package 'tsmod-no-such-package' needed by TsOption tsmod.session.type sqlite: run \`npm install tsmod-no-such-package\` in ${CHECKOUT}`,
  });
});

test("installed without its native part (npm install --ignore-scripts): npm rebuild", () => {
  const load = () => {
    throw new Error("Could not locate the bindings file. Tried:\n → /x/build/better_sqlite3.node");
  };
  expect(() => loadOptionalPackage(load, "better-sqlite3", "TsOption tsmod.session.type sqlite")).toThrow(
    `TsOption tsmod.session.type sqlite needs 'better-sqlite3', which is installed without its native part (npm install --ignore-scripts?): run \`npm rebuild better-sqlite3\` in ${CHECKOUT}`,
  );
});

test("any other failure of the package is passed on as it is", () => {
  const boom = new Error("boom");
  expect(() => loadOptionalPackage(() => { throw boom; }, "pg", "x")).toThrow(boom);
});
