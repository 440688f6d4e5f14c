import { BoundedMap } from "../bounded-map";
import { compileModule } from "../loader";
import type { Request } from "../request";

/** What `<!--#ts -->` code gets as `filter`: writes go into the page where the element stood. */
export interface SsiFilter {
  readonly req: Request;
  write(data: string | Uint8Array): Promise<void>;
}

/** The code of a `<!--#ts code="..." -->` (or the expression of `eval="..."`), compiled. */
export type SsiCode = (req: Request, filter: SsiFilter, ssi: Record<string, unknown>) => Promise<unknown>;

const compiled = new BoundedMap<string, SsiCode>(1000);

/**
 * Compiles an element's TypeScript once per distinct text: statements (`code`) or one
 * expression (`eval`) as the body of an async function of `req`, `filter` and `ssi` (an object
 * that lives for the request, mod_python's `req.ssi_globals`). A syntax error names `file`.
 */
export function compileSsiCode(source: string, isExpression: boolean, file: string): SsiCode {
  const key = `${isExpression ? "e" : "c"}:${source}`;
  let fn = compiled.get(key);
  if (!fn) {
    const body = isExpression ? `return (${source}\n);` : source;
    const js = compileModule(`${file}.ssi.ts`, `async function __ssi(req: any, filter: any, ssi: any) {\n${body}\n}\n`);
    fn = new Function("exports", js + "\nreturn __ssi;")({}) as SsiCode;
    compiled.set(key, fn);
  }
  return fn;
}
