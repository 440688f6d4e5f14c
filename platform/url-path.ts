/** Percent-encodes a decoded URL path for a header or link, keeping its slashes. */
export function encodeUrlPath(p: string): string {
  return p.split("/").map(encodeURIComponent).join("/");
}
