/**
 * The first value of header `lowerName` in Node's `rawHeaders`: for the few headers every
 * request needs, read without building a header table or Node's `headers` object.
 */
export function rawHeader(rawHeaders: readonly string[], lowerName: string): string | undefined {
  const length = lowerName.length;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === length && name.toLowerCase() === lowerName) return rawHeaders[i + 1];
  }
  return undefined;
}

/**
 * The value of header `lowerName`, which may appear once: undefined when absent, null when it
 * appears more than once (the request is malformed).
 */
export function singleRawHeader(rawHeaders: readonly string[], lowerName: string): string | undefined | null {
  const length = lowerName.length;
  let found: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === length && name.toLowerCase() === lowerName) {
      if (found !== undefined) return null;
      found = rawHeaders[i + 1];
    }
  }
  return found;
}

/** Whether a request announces a body: a Transfer-Encoding, or a Content-Length other than 0. */
export function declaresBody(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 14 && name.toLowerCase() === "content-length" && rawHeaders[i + 1] !== "0") return true;
    if (name.length === 17 && name.toLowerCase() === "transfer-encoding") return true;
  }
  return false;
}
