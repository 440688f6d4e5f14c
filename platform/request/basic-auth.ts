/**
 * Decodes `Authorization: Basic ...`. Browsers send UTF-8 nowadays, older clients latin-1
 * (mod_python decoded latin-1 only): valid UTF-8 is taken as UTF-8, anything else as latin-1.
 */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  if (!header) return null;
  const m = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) return null;
  const bytes = Buffer.from(m[1], "base64");
  const text = decodeCredentials(bytes);
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeCredentials(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}
