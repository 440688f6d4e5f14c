import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig } from "../helpers/config";
import { gracefulShutdownMs } from "../../platform/server";
import { configErrors } from "../helpers/config";
import { writeTree } from "../helpers/site";

function load(conf: string) {
  const dir = writeTree({ "tsmod.conf": conf });
  try {
    return loadConfig(path.join(dir, "tsmod.conf"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("GracefulShutdownTimeout", () => {
  test("0, Apache's default, is no limit", () => {
    expect(load("Listen 0\n").site.main.gracefulShutdownTimeout).toBe(0);
    expect(gracefulShutdownMs(load("Listen 0\n").site)).toBe(Infinity);
    expect(gracefulShutdownMs(load("Listen 0\nGracefulShutdownTimeout 0\n").site)).toBe(Infinity);
  });

  test("seconds, or milliseconds with ms", () => {
    expect(gracefulShutdownMs(load("Listen 0\nGracefulShutdownTimeout 30\n").site)).toBe(30_000);
    expect(gracefulShutdownMs(load("Listen 0\ngracefulshutdowntimeout 250ms\n").site)).toBe(250);
  });

  test("longer than a timer can count is an error at its line, as every configured time is", () => {
    expect(configErrors(() => load("Listen 0\nGracefulShutdownTimeout 9999999\n"))).toEqual([
      "conf:2: GracefulShutdownTimeout: must be at most 2147483 seconds (about 24 days)",
    ]);
  });

  test("a bad value or a place other than the server level is an error at its line", () => {
    expect(configErrors(() => load("Listen 0\nGracefulShutdownTimeout soon\n"))).toEqual(["conf:2: GracefulShutdownTimeout: takes a number of seconds, not 'soon'"]);
    expect(configErrors(() => load("Listen 0\n<VirtualHost *>\nGracefulShutdownTimeout 5\n</VirtualHost>\n"))).toEqual([
      "conf:3: GracefulShutdownTimeout is not allowed inside <VirtualHost>",
    ]);
  });
});
