// cookie 0.7.2 ships no types, and @types/cookie is not installed; this declares the one
// function tsmod uses.
declare module "cookie" {
  export interface SerializeOptions {
    encode?: (value: string) => string;
    maxAge?: number;
    expires?: Date;
    path?: string;
    domain?: string;
    secure?: boolean;
    httpOnly?: boolean;
    partitioned?: boolean;
    sameSite?: "strict" | "lax" | "none";
  }
  /** Throws a TypeError naming the invalid argument or option. */
  export function serialize(name: string, value: string, options?: SerializeOptions): string;
}
