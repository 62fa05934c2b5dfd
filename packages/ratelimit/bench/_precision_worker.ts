/**
 * One child process of the precision bench's multi-process rows: its own Redis connection and its
 * own `RedisRateLimiter` on the key prefix the parent gives it, `callers` concurrent callers
 * hammering one sandbox Mapiq operation until `endAt`. Run by `precision.bench.ts` through
 * `tooling/scripts/ts-loader.mjs`; talks to the parent over IPC only (hello → config → ready → go → done).
 */
import { parseRetryAfter } from "@mly/auth-core/rate-limit";
import { Redis } from "ioredis";
import { RedisRateLimiter } from "../../ratelimit-redis/src/mod.ts";
import type { ParentMessage, WorkerConfig, WorkerGo, WorkerMessage } from "./_precision_ipc.ts";

function _send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send === undefined) {
      reject(new Error("run me with child_process.fork (no IPC channel)"));
      return;
    }
    process.send(message, undefined, {}, (error: Error | null) => {
      if (error === null) resolve();
      else reject(error);
    });
  });
}

/** Listens first, then sends `message`, so the reply cannot arrive before the listener. */
function _exchange<T extends ParentMessage["type"]>(message: WorkerMessage, type: T): Promise<Extract<ParentMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    process.once("message", (raw: ParentMessage) => {
      if (raw.type === type) resolve(raw as Extract<ParentMessage, { type: T }>);
      else reject(new Error(`expected "${type}" from the parent, got "${raw.type}"`));
    });
    _send(message).catch(reject);
  });
}

// The parent went away: nobody reads the result, stop at once.
process.on("disconnect", () => process.exit(70));

const config: WorkerConfig = await _exchange({ type: "hello" }, "config");
setTimeout(() => process.exit(71), config.hardLimitMs).unref();
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
await redis.ping();
const limiter = new RedisRateLimiter({ client: redis, limit: config.limit, windowMs: config.windowMs, mode: config.mode, prefix: config.prefix });
const go: WorkerGo = await _exchange({ type: "ready" }, "go");

let accepted = 0;
let rejected = 0;
const caller = async (): Promise<void> => {
  for (;;) {
    const permit = await limiter.acquire(config.key);
    if (Date.now() >= go.endAt) {
      await permit.cancel();
      return;
    }
    const response = await fetch(config.url, { headers: { authorization: `Bearer ${config.token}` } });
    await response.arrayBuffer();
    if (response.status === 429) {
      rejected += 1;
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after") ?? undefined, Date.now()) ?? config.windowMs;
      await permit.settle({ status: 429, retryAfterMs });
    } else {
      if (response.status !== 200) throw new Error(`unexpected status ${response.status}`);
      accepted += 1;
      await permit.settle({ status: response.status });
    }
  }
};
await Promise.all(Array.from({ length: config.callers }, caller));
await _send({ type: "done", accepted, rejected });
redis.disconnect();
process.exit(0);
