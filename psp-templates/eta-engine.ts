import { Eta } from "eta";
import { escapeHtml } from "../platform";

/**
 * The one Eta instance every page is generated with. PSP text must come out verbatim, so Eta's
 * default newline trimming after tags is off; escaping stays on so `<%=` is HTML-safe, with
 * tsmod's escaper (the same five characters as Eta's, found faster).
 */
export const eta = new Eta({ autoEscape: true, autoTrim: false, escapeFunction: escapeHtml });

/** The per-render state Eta's generated code writes to (`__eta.res += ...`). */
export interface EtaOutput {
  res: string;
  readonly e: (value: unknown) => string;
  readonly f: (value: unknown) => string;
}

export function newEtaOutput(): EtaOutput {
  return { res: "", e: eta.config.escapeFunction, f: eta.config.filterFunction };
}
