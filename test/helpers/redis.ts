import { randomBytes } from "node:crypto";
import Redis from "ioredis";

/** The Redis server of the Redis tests (TSMOD_TEST_REDIS_URL), or "" when they cannot run. */
export const REDIS_URL = process.env.TSMOD_TEST_REDIS_URL ?? "";

/** `describe`, or without TSMOD_TEST_REDIS_URL `describe.skip`: jest then reports the tests as skipped. */
export const describeWithRedis: jest.Describe = REDIS_URL === "" ? describe.skip : describe;

/** A key prefix of this run's own: tests never see, nor disturb, other keys in the server. */
export function uniquePrefix(): string {
  return `tsmod-test:${process.pid}:${randomBytes(4).toString("hex")}:`;
}

/** Removes every key starting with `prefix`. */
export async function dropPrefix(prefix: string): Promise<void> {
  const admin = new Redis(REDIS_URL);
  try {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
  } finally {
    admin.disconnect();
  }
}

/** Runs `fn` with a plain client of the test server. */
export async function withRedis<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
  const admin = new Redis(REDIS_URL);
  try {
    return await fn(admin);
  } finally {
    admin.disconnect();
  }
}
