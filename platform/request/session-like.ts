/**
 * What `req.getSession()` gives a handler. The sessions subsystem (outside the platform)
 * implements it; the platform only names its shape so handlers are typed.
 */
/** What a session can hold: data that survives JSON.stringify/JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface SessionLike {
  readonly id: string;
  readonly isNew: boolean;
  /** Milliseconds since the epoch. */
  readonly created: number;
  /** Milliseconds since the epoch: this access. */
  readonly accessed: number;
  /** Seconds of inactivity after which the session expires. */
  timeout: number;
  get<T extends JsonValue = JsonValue>(key: string): T | undefined;
  set(key: string, value: JsonValue): void;
  delete(key: string): boolean;
  has(key: string): boolean;
  keys(): string[];
  save(): Promise<void>;
  invalidate(): Promise<void>;
  regenerate(): Promise<void>;
  lock(): Promise<void>;
  unlock(): Promise<void>;
}
