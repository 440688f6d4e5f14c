import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { emptyDirConfig } from "../../platform/config/model";
import { formSettings } from "../../platform/request/request-form";

describe("form limits from the configuration", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tsmod-settings-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function dirWith(options: Record<string, string>) {
    const dir = emptyDirConfig();
    dir.options.set("tsmod.form.tmp_dir", tmp);
    for (const [k, v] of Object.entries(options)) dir.options.set(k, v);
    return dir;
  }

  test("LimitRequestBody bounds the whole form body, also above the 1 GiB default", () => {
    expect(formSettings(dirWith({}), 2 * 1024 ** 3).limits.maxBodySize).toBe(2 * 1024 ** 3);
    expect(formSettings(dirWith({}), 1000).limits.maxBodySize).toBe(1000);
  });

  test("LimitRequestBody 0 leaves the form body unbounded", () => {
    expect(formSettings(dirWith({}), 0).limits.maxBodySize).toBe(Infinity);
  });

  test("TsOption tsmod.form.* set the other limits", () => {
    const s = formSettings(dirWith({ "tsmod.form.max_fields": "7", "tsmod.form.max_file_size": "123", "tsmod.form.keep_blank": "1" }), 0);
    expect(s.limits.maxFields).toBe(7);
    expect(s.limits.maxFileSize).toBe(123);
    expect(s.keepBlank).toBe(true);
    expect(s.tmpDir).toBe(tmp);
  });
});
