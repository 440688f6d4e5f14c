import { OK, escapeHtml, type Request } from "tsmod";

/** GET /hello?name=you */
export async function handler(req: Request): Promise<number> {
  const name = new URLSearchParams(req.args ?? "").get("name") ?? "world";
  req.contentType = "text/html; charset=utf-8";
  await req.write(`<!doctype html><title>Hello</title><h1>Hello, ${escapeHtml(name)}!</h1>\n`);
  await req.write(`<p>Served by tsmod, phase ${req.phase}, interpreter ${escapeHtml(req.interpreter)}.</p>\n`);
  return OK;
}
