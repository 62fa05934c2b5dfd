import { Redis } from "ioredis";

/**
 * Whether a Redis at `url` answers PING with PONG (one connection attempt, no retries, at most ~1 s).
 *
 * @example
 * ```ts
 * import { answers } from "@mly/redis-test";
 * if (await answers("redis://127.0.0.1:6379")) console.log("Redis is up");
 * ```
 */
export async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return String(await client.call("PING")) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
