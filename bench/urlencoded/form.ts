import { OK, type Request } from "tsmod";

/** Parses the posted form and answers with the number of fields and one value. */
export async function handler(req: Request): Promise<number> {
  const form = await req.form();
  req.contentType = "application/json";
  await req.write(JSON.stringify({ fields: form.list.length, city: form.getfirst("city") }));
  return OK;
}
