import type { Request } from "tsmod";

/** GET /pub/ */
export function index(): string {
  return "Try /pub/greet?name=you or /pub/api/time";
}

/** GET /pub/greet?name=bob&n=3 — form fields arrive as parameters by name. */
export function greet(name: string, n = "1"): string {
  return Array.from({ length: Math.min(Number(n) || 1, 10) }, () => `Hello, ${name}!`).join("\n");
}

/** Objects are traversed: GET /pub/api/time returns JSON. */
export const api = {
  time(req: Request) {
    return { now: new Date().toISOString(), via: req.uri };
  },
};
