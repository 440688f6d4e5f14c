import { defineModule, type TsmodModule } from "../module";
import { DEFAULT_HANDLER } from "../phases";
import { defaultHandler } from "./default-handler";
import { DirectoryIndex, type StaticConfig } from "./directives";

/**
 * Apache's default handler with mod_dir and mod_autoindex: files (ranges, validators), folders
 * (index files, listings where `Options Indexes` allows), protected names refused.
 */
export const staticModule: TsmodModule<StaticConfig> = defineModule<StaticConfig>({
  name: "static",
  directives: [DirectoryIndex],
  dirConfig: (values) => ({ directoryIndex: values.get(DirectoryIndex) ?? ["index.html"] }),
  handlers: { [DEFAULT_HANDLER]: defaultHandler },
});
