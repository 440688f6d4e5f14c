import * as path from "node:path";
import { escapeHtml } from "../platform";
import { PSPCache, defaultPSPCache } from "./template-cache";

export interface PSPSourceView {
  file: string;
  /** The page as written. */
  source: string;
  /** The JavaScript it compiles to (includes spliced in). */
  code: string;
}

/** A page's source and compiled code, for the `.psp_` URL in debug mode. */
export async function sourceView(
  file: string,
  options: { root?: string; checkChanges?: boolean; cache?: PSPCache } = {},
): Promise<PSPSourceView> {
  const template = await (options.cache ?? defaultPSPCache).get({
    source: { filename: file },
    root: options.root ?? path.dirname(file),
    checkChanges: options.checkChanges ?? true,
  });
  return { file: template.label, source: template.files.get(template.label)?.text ?? "", code: template.script() };
}

/** The source view as a small HTML page: the page beside its compiled code, both numbered. */
export function sourceViewHtml(view: PSPSourceView): string {
  const numbered = (text: string): string => {
    const lines = text.split(/\r\n|\r|\n/);
    const width = String(lines.length).length;
    return lines.map((line, i) => `${String(i + 1).padStart(width)} | ${escapeHtml(line)}`).join("\n");
  };
  const title = escapeHtml(view.file);
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1>
<table><tr><th>Source</th><th>Compiled</th></tr>
<tr style="vertical-align:top"><td><pre>${numbered(view.source)}</pre></td><td><pre>${numbered(view.code)}</pre></td></tr></table>
</body></html>
`;
}
