/**
 * "A value now, or a promise of it": what the request path returns so that work that need not
 * wait (a GET form, a page that renders at once) is answered without a promise.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The one test of "is this a promise?" for a `MaybePromise`: an object or function with a
 * callable `then`, the rule `await` itself follows. Not `instanceof Promise`: handler modules
 * may return another realm's promises or other thenables. No settled value can be a thenable
 * (a promise adopts it), so the test never mistakes a `T` for a promise.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** `next(value)`, at once for a plain value, after it settles for a promise (a rejection passes by `next`). */
export function andThen<T, U>(value: MaybePromise<T> | PromiseLike<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isThenable(value) ? Promise.resolve(value as PromiseLike<T>).then(next) : next(value as T);
}
