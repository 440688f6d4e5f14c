import { OK, type Request } from "tsmod";

/** Reads one session value and writes it back changed: a load, a lock and a save per request. */
export async function handler(req: Request): Promise<number> {
  const session = await req.getSession();
  const n = (session.get<number>("n") ?? 0) + 1;
  session.set("n", n);
  await session.save();
  req.contentType = "text/plain";
  await req.write(String(n));
  return OK;
}
