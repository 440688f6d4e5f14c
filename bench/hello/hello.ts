import { OK, type Request } from "tsmod";

export async function handler(req: Request): Promise<number> {
  req.contentType = "application/json";
  await req.write('{"hello":"world"}');
  return OK;
}
