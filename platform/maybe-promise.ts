/** A value, or the promise of one: code with nothing to wait for answers at once. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * `next(value)`, at once when `value` is not a promise. The one rule for telling them apart:
 * tsmod's own results are numbers, symbols or plain values, never promise-like objects, so
 * `instanceof Promise` suffices (handler results from other realms are normalised where they
 * are called).
 */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
