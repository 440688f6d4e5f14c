import type { PSPRequest } from "./psp-request";

/**
 * The `req` a page sees: the real request, except that `write` and `flush` go through the
 * page's output buffer so `req.write("x")` in code lands between the surrounding text, in
 * order. A Proxy (not a prototype copy) so getters, setters and private fields of the real
 * request keep working on the real object.
 */
export function pageRequest(
  req: PSPRequest,
  write: (data: string) => void,
  flush: () => Promise<void>,
): PSPRequest {
  // Bound once per method and page, so `req.m === req.m` holds. A plain Map: it lives only as
  // long as the page's request, and weak tables cost the garbage collector more.
  let bound: Map<Function, Function> | undefined;
  return new Proxy(req, {
    get(target, key) {
      if (key === "write") return write;
      if (key === "flush") return flush;
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      bound ??= new Map();
      let method = bound.get(value);
      if (!method) {
        method = value.bind(target) as Function;
        bound.set(value, method);
      }
      return method;
    },
    set(target, key, value) {
      return Reflect.set(target, key, value);
    },
  });
}
