/*
 * Huge numbers in the configuration are refused at load with FILE:LINE, instead of loading
 * ("Syntax OK") and then crashing the server at start (Node refuses a parser limit beyond 2^53)
 * or being silently cut short (timers longer than 2^31 ms).
 */
import * as path from "node:path";
import { loadConfig } from "../helpers/config";
import { configErrors } from "../helpers/config";
import { writeTree } from "../helpers/site";

const errorsOf = (conf: string): string[] => configErrors(() => loadConfig(path.join(writeTree({ "tsmod.conf": `Listen 0\n${conf}` }), "tsmod.conf")));

describe("numbers beyond what the server can use are configuration errors", () => {
  test.each([
    ["LimitRequestFieldSize 99999999999999999999", "conf:2: LimitRequestFieldSize: must be at most 1048576"],
    ["LimitRequestLine 2000000", "conf:2: LimitRequestLine: must be at most 1048576"],
    ["LimitRequestFields 40000", "conf:2: LimitRequestFields: must be at most 32767"],
    ["LimitRequestBody 99999999999999999999", "conf:2: LimitRequestBody: must be at most 9007199254740991"],
    ["Timeout 99999999999", "conf:2: Timeout: must be at most 2147483 seconds (about 24 days)"],
    ["KeepAliveTimeout 3000000", "conf:2: KeepAliveTimeout: must be at most 2147483 seconds (about 24 days)"],
  ])("%s", (line, error) => {
    expect(errorsOf(line)).toEqual([error]);
  });

  test("the largest accepted values load", () => {
    expect(errorsOf("LimitRequestFieldSize 1048576\nLimitRequestLine 1048576\nLimitRequestFields 32767\nTimeout 2147483\nKeepAliveTimeout 2147483000ms\n")).toEqual([]);
  });
});
