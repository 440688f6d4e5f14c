import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadConfig } from "../helpers/config";
import { writeTree } from "../helpers/site";

describe("form limits from the configuration", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-settings-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The core's form settings for a server configured with these lines. */
  function settingsOf(lines: string) {
    const dir = writeTree({ "tsmod.conf": `Listen 0\nTsOption tsmod.form.tmp_dir ${tmp}\n${lines}\n` });
    try {
      return loadConfig(path.join(dir, "tsmod.conf")).main.dir.plan.core.formSettings();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test("LimitRequestBody bounds the whole form body, also above the 1 GiB default", () => {
    expect(settingsOf(`LimitRequestBody ${2 * 1024 ** 3}`).limits.maxBodySize).toBe(2 * 1024 ** 3);
    expect(settingsOf("LimitRequestBody 1000").limits.maxBodySize).toBe(1000);
  });

  test("LimitRequestBody 0 leaves the form body unbounded", () => {
    expect(settingsOf("LimitRequestBody 0").limits.maxBodySize).toBe(Infinity);
  });

  test("TsOption tsmod.form.* set the other limits", () => {
    const s = settingsOf("TsOption tsmod.form.max_fields 7\nTsOption tsmod.form.max_file_size 123\nTsOption tsmod.form.keep_blank 1\nLimitRequestBody 0");
    expect(s.limits.maxFields).toBe(7);
    expect(s.limits.maxFileSize).toBe(123);
    expect(s.keepBlank).toBe(true);
    expect(s.tmpDir).toBe(tmp);
  });
});
