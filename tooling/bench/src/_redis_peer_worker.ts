/**
 * One OS process of the shared-limiter bench (`redis_peers.ts`): its own ioredis connection to
 * its contender's own Redis, its own limiter of that contender, `callers` callers hammering one
 * sandbox Mapiq operation until `endAt`. Every command the process sends to Redis is counted (the
 * client's `sendCommand` is wrapped: ioredis sends every command, pipelines and scripts included,
 * through it). Talks to the parent over IPC only: hello, then for each server shape config →
 * ready → go → done (the process serves every shape of the run, so the run starts each worker
 * once); a process whose callers hit the hard end exits after its report (its callers still wait
 * on the contender) and the parent starts a new one for the next shape.
 */
import { RedisRateLimiter } from "@mly/ratelimit-redis";
import Bottleneck from "bottleneck";
import { Redis } from "ioredis";
import { RateLimiterQueue, RateLimiterRedis } from "rate-limiter-flexible";
import type { PeerWorkerConfig, PeerWorkerMessage, PeerWorkerGo } from "./_redis_peer_ipc.ts";

function send(message: PeerWorkerMessage): void {
  process.send?.(message);
}

/** Messages from the parent, queued until asked for: one sent between two `next()` calls is not lost. */
const inbox: unknown[] = [];
let waiting: ((message: unknown) => void) | undefined;
process.on("message", (message: unknown) => {
  const resolve = waiting;
  waiting = undefined;
  if (resolve === undefined) inbox.push(message);
  else resolve(message);
});
function next<T>(): Promise<T> {
  if (inbox.length > 0) return Promise.resolve(inbox.shift() as T);
  return new Promise((resolve) => {
    waiting = resolve as (message: unknown) => void;
  });
}

process.on("disconnect", () => process.exit(70));
send({ type: "hello" });
let hardLimit: NodeJS.Timeout | undefined;
for (;;) {
  const config = await next<PeerWorkerConfig>();
  clearTimeout(hardLimit);
  hardLimit = setTimeout(() => process.exit(71), config.hardLimitMs);
  hardLimit.unref();
  if (await runShape(config)) break;
}
process.exit(0);

/** One shape: connects, builds the contender, reports ready, runs on go, reports done. Resolves true after a hard end (the process must exit). */
async function runShape(config: PeerWorkerConfig): Promise<boolean> {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  let commands = 0;
  let operations: Record<string, number> = {};
  /** Callers let through at or after the end, who sent nothing (reset on "go"). */
  let turnedAway = 0;
  const sendCommand = redis.sendCommand.bind(redis);
  redis.sendCommand = ((...args: Parameters<Redis["sendCommand"]>) => {
    commands += 1;
    const operation = config.contender === "mly" ? scriptOperation(args[0]) : undefined;
    if (operation !== undefined) operations[operation] = (operations[operation] ?? 0) + 1;
    return sendCommand(...args);
  });
  await redis.ping();

  /**
   * Runs `request` when the contender lets it (or skips it, granted after the end); resolves with
   * how long the caller waited (ms).
   */
  type Gate = (request: () => Promise<number>) => Promise<number>;
  let gate: Gate;
  let close = (): Promise<void> => Promise.resolve();
  const { limit, windowMs, key, prefix } = config;
  /** Filled on "go": nothing is sent at or after it. */
  const timing = { endAt: 0 };
  const endAt = (): number => timing.endAt;
  if (config.contender === "mly") {
    // A generous timeout: the figures are about commands, order and quota, not latency on a busy machine.
    const limiter = new RedisRateLimiter({ client: redis, limit, windowMs, prefix, timeoutMs: 10_000 });
    gate = async (request) => {
      const asked = performance.now();
      const permit = await limiter.acquire(key);
      const waited = performance.now() - asked;
      if (Date.now() >= endAt()) {
        turnedAway += 1;
        await permit.cancel();
        return waited;
      }
      let status: number | undefined;
      try {
        status = await request();
      } finally {
        await permit.settle(status === undefined ? {} : { status });
      }
      return waited;
    };
  } else if (config.contender === "rate-limiter-flexible") {
    const queue = new RateLimiterQueue(new RateLimiterRedis({ storeClient: redis, points: limit, duration: windowMs / 1000, keyPrefix: prefix }), { maxQueueSize: 1000 });
    gate = async (request) => {
      const asked = performance.now();
      await queue.removeTokens(1, key);
      const waited = performance.now() - asked;
      if (Date.now() < endAt()) await request();
      else turnedAway += 1;
      return waited;
    };
  } else {
    const options: Bottleneck.ConstructorOptions =
      config.contender === "bottleneck reservoir"
        ? { reservoir: limit, reservoirRefreshAmount: limit, reservoirRefreshInterval: windowMs }
        : { minTime: windowMs / limit };
    const limiter = new Bottleneck({ ...options, id: prefix, datastore: "ioredis", connection: new Bottleneck.IORedisConnection({ client: redis }) });
    await limiter.ready();
    gate = async (request) => {
      const asked = performance.now();
      let waited = 0;
      await limiter.schedule(async () => {
        waited = performance.now() - asked;
        if (Date.now() < endAt()) await request();
        else turnedAway += 1;
      });
      return waited;
    };
    close = async () => {
      await limiter.disconnect(false);
    };
  }

  send({ type: "ready" });
  const started = await next<PeerWorkerGo>();
  timing.endAt = started.endAt;
  // Every process of every contender starts its load at the same instant, so the measured span is
  // exactly `windows × windowMs` and the quota of that span is known.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, started.startAt - Date.now())));
  commands = 0;
  operations = {};
  turnedAway = 0;
  let accepted = 0;
  let rejected = 0;
  const waits: number[] = [];
  /** Requests sent to the sandbox and not yet answered: the hard end waits for them, so the counts match the sandbox's log. */
  const inFlight = new Set<Promise<unknown>>();
  const caller = async (): Promise<void> => {
    while (Date.now() < endAt()) {
      const waited = await gate(async () => {
        const sent = fetch(config.url, { headers: { authorization: `Bearer ${config.token}` } }).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        });
        inFlight.add(sent);
        try {
          const status = await sent;
          if (status === 429) rejected += 1;
          else accepted += 1;
          return status;
        } finally {
          inFlight.delete(sent);
        }
      });
      waits.push(waited);
    }
  };
  // The hard end: a caller still waiting for its contender (a reservation, a queue) this long after
  // `endAt` would only be told to skip its request, so the process stops waiting and reports what it
  // counted (a caller never sends a request after `endAt`, so none is lost).
  const HARD_END_GRACE_MS = 2 * config.windowMs;
  let hardEndTimer: NodeJS.Timeout | undefined;
  const hardEnd = new Promise<"hard end">((resolve) => {
    hardEndTimer = setTimeout(() => { resolve("hard end"); }, Math.max(0, started.endAt - Date.now()) + HARD_END_GRACE_MS);
  });
  const ended = await Promise.race([Promise.all(Array.from({ length: config.callers }, caller)), hardEnd]);
  clearTimeout(hardEndTimer);
  if (ended === "hard end") await Promise.allSettled([...inFlight]);
  // Exiting only once the report is handed to the IPC channel (process.exit would drop a message still queued).
  await new Promise<void>((resolve) => {
    const done: PeerWorkerMessage = { type: "done", accepted, rejected, waits, commands, operations, turnedAway };
    if (process.send === undefined) resolve();
    else process.send(done, undefined, undefined, () => { resolve(); });
  });
  if (ended === "hard end") return true;
  // Bounded: a contender that does not let go of its connection in 5 s does not stop the next shape.
  await Promise.race([close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  redis.disconnect();
  return false;
}

/**
 * The operation of an mly limiter script call (`EVALSHA <sha> 4 <keys…> <operation> …`), prefixed
 * `EVAL ` when the script went in full (after NOSCRIPT); undefined for any other command.
 */
function scriptOperation(command: unknown): string | undefined {
  const { name, args } = command as { name?: unknown; args?: unknown };
  const lowerName = typeof name === "string" ? name.toLowerCase() : undefined;
  if ((lowerName !== "evalsha" && lowerName !== "eval") || !Array.isArray(args)) return undefined;
  const operation: unknown = args[2 + Number(args[1])];
  if (typeof operation !== "string") return undefined;
  return lowerName === "eval" ? `EVAL ${operation}` : operation;
}
