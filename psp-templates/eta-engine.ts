import type * as EtaModule from "eta";
import { escapeHtml, lazyModule } from "../platform";

const etaModule = lazyModule<typeof EtaModule>("eta");
let engine: EtaModule.Eta | undefined;

/**
 * The one Eta instance every page is generated with, made when the first page compiles. PSP
 * text must come out verbatim, so Eta's default newline trimming after tags is off; escaping
 * stays on so `<%=` is HTML-safe, with tsmod's escaper (the same five characters as Eta's,
 * found faster).
 */
export function eta(): EtaModule.Eta {
  return (engine ??= new (etaModule().Eta)({ autoEscape: true, autoTrim: false, escapeFunction: escapeHtml }));
}

/** The per-render state Eta's generated code writes to (`__eta.res += ...`). */
export interface EtaOutput {
  res: string;
  readonly e: (value: unknown) => string;
  readonly f: (value: unknown) => string;
}

export function newEtaOutput(): EtaOutput {
  const { config } = eta();
  return { res: "", e: config.escapeFunction, f: config.filterFunction };
}
