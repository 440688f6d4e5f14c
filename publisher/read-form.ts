import { ErrorCode, TsmodError, type Request } from "../platform";

/** The part of the request's form the publisher uses. */
export interface PublisherForm {
  getlist(name: string): Array<string | unknown>;
  keys(): string[];
  has(name: string): boolean;
}

/** Stopgap bound on a urlencoded body until tsmod's form parser (with its limits) is in. */
const MAX_URLENCODED_BODY = 1024 * 1024;

/** The request's fields: query string, then an `application/x-www-form-urlencoded` body. */
export async function readForm(req: Request): Promise<PublisherForm> {
  const fields = new URLSearchParams(req.args ?? "");
  const type = (req.headersIn.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") {
    const body = await req.read(MAX_URLENCODED_BODY + 1);
    if (body.length > MAX_URLENCODED_BODY) throw new TsmodError(ErrorCode.PUBLISHER_FORM, `form body larger than ${MAX_URLENCODED_BODY} bytes`, 413);
    for (const [k, v] of new URLSearchParams(body.toString("utf8"))) fields.append(k, v);
  } else if (type === "multipart/form-data") {
    throw new TsmodError(ErrorCode.PUBLISHER_FORM, "multipart forms are not supported by this publisher build", 415);
  }
  return { getlist: (n) => fields.getAll(n), keys: () => [...new Set(fields.keys())], has: (n) => fields.has(n) };
}
