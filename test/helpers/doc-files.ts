import * as fs from "node:fs";

/**
 * The files a documentation page shows: every fenced code block whose first line is a comment
 * naming a file (`# tsmod.conf`, `// app/hello.ts`, `// api/index.ts: ...`), keyed by that
 * name (or `<!-- htdocs/index.html -->`). A leading `mysite/` (the tutorial's folder) is
 * dropped. Tests serve them, so the page cannot drift from what works.
 */
export function filesInDoc(docFile: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [, body] of fs.readFileSync(docFile, "utf8").matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)) {
    const named = /^(?:#|\/\/|<!--) (?:mysite\/)?([\w./-]+\.\w+)(?::.*| -->)?\n/.exec(body);
    if (named) files[named[1]] = body;
  }
  return files;
}
