import { answers } from "./answers.ts";
import { redisServerBinary, startRedisServer, type RedisServer } from "./redis_server.ts";
import { skipLoudly } from "./skip.ts";

/** The Redis found by {@link testRedis}. */
export interface TestRedis {
  readonly url: string;
  /** The redis-server started because nothing answered at REDIS_URL; `undefined` when REDIS_URL answered. */
  readonly server: RedisServer | undefined;
}

/** `REDIS_URL`, default redis://127.0.0.1:6379. */
export function redisUrlFromEnv(): string {
  return process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
}

let resolved: Promise<TestRedis | undefined> | undefined;

/**
 * The Redis to test against, found once per process: `REDIS_URL` (default
 * redis://127.0.0.1:6379) when it answers; else a redis-server started on a free port (killed
 * when the process exits normally; Vitest ends its workers without that, so stop it in `afterAll`
 * with `server.stop()`); else `undefined` after a loud notice — and,
 * when env `CI` is set, an error instead: CI must not skip the Redis tests.
 *
 * @example
 * ```ts
 * import { testRedis } from "@mly/redis-test";
 * const target = await testRedis();
 * // describe.skipIf(target === undefined)(…); afterAll(() => target?.server?.stop());
 * ```
 */
export function testRedis(): Promise<TestRedis | undefined> {
  resolved ??= (async () => {
    const url = redisUrlFromEnv();
    if (await answers(url)) return { url, server: undefined };
    if (redisServerBinary() !== undefined) {
      const server = await startRedisServer();
      const kill = (): void => {
        server.process.kill("SIGKILL");
      };
      process.once("exit", kill);
      // Once it is gone, the next call looks again instead of handing out a dead URL.
      server.process.once("exit", () => {
        process.off("exit", kill);
        resolved = undefined;
      });
      return { url: server.url, server };
    }
    skipLoudly(`REDIS TESTS SKIPPED: nothing answers at ${url} and redis-server is not installed.\n!!! Set REDIS_URL or install redis-server.`);
    return undefined;
  })();
  return resolved;
}

/**
 * The URL of {@link testRedis}, or `undefined` when the Redis tests are skipped.
 *
 * @example
 * ```ts
 * import { testRedisUrl } from "@mly/redis-test";
 * const url = await testRedisUrl();
 * ```
 */
export async function testRedisUrl(): Promise<string | undefined> {
  return (await testRedis())?.url;
}
