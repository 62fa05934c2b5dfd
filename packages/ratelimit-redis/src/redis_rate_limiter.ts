import {
  AbortedError,
  BackendUnavailableError,
  ConfigError,
  emitEvent,
  QueueFullError,
  type AcquireOptions,
  type Clock,
  type MlyEventListener,
  type PermitOutcome,
  type RateLimitPermit,
  type RateLimiter,
} from "@mly/auth-core";
import { LocalRateLimiter, preciseClock, systemScheduler, type RateLimitMode, type Scheduler } from "@mly/ratelimit";
import { DEFAULT_PROBE_EVERY_WINDOWS, routeOfKey, type LearnOptions, type RouteLimits } from "@mly/ratelimit/adaptive";
import { clientMistake, toRedisCommander, type RedisClientLike, type RedisCommander } from "@mly/redis-script";
import { LIMITER_SCRIPT } from "./_script.ts";

/** What to do while Redis does not answer. */
export interface RedisFallbackOptions {
  /**
   * How many processes share the limit. Each falls back to a local limiter at
   * `floor(limit / expectedProcesses)` per window, so together they stay under the limit.
   */
  expectedProcesses: number;
}

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** Your ioredis (`Redis`, `Cluster`) or node-redis (`createClient`, `createCluster`) client, or any `send(args)` (the limiter never closes it). */
  client: RedisClientLike;
  /** Requests allowed per window, across every process sharing the Redis keys. */
  limit: number;
  /** The window length in ms. */
  windowMs: number;
  /** `even` (default) or `burst`, as in `createRateLimiter`. */
  mode?: RateLimitMode;
  /** Routes whose limit deviates from `limit` / `windowMs`, by `METHOD /template`: `{ "GET /v2/reports/{id}": { limit: 5, windowMs: 60_000 } }`. */
  routes?: RouteLimits | undefined;
  /**
   * Learn a route's real limit from its 429s and share it with every process (default: on). After
   * a 429 the key's limit drops to the requests admitted in the window before it, kept in Redis
   * beside the key's slots (`{<prefix>:<key>}:ll`, with a TTL), and rises by one every
   * `probeEveryWindows` windows (default 5) back to the configured limit. `false` turns it off.
   */
  learn?: LearnOptions | false | undefined;
  /** Extra ms added to the window; default as in `createRateLimiter`. */
  marginMs?: number;
  /** Prefix of the Redis keys: `{<prefix>:<key>}:log|inf|st|ll` (default `mly:rl`). Put the provider in it when several share a Redis. */
  prefix?: string;
  /** A Redis call that takes longer fails (default 1000 ms). */
  timeoutMs?: number;
  /** A permit neither settled nor cancelled after this many ms is settled at that time (default 60 000). */
  settleTimeoutMs?: number;
  /** Callers of this process that may wait per key (default 1000). */
  maxQueue?: number;
  /** Default: none, fail closed with `BackendUnavailableError`. The fallback limits every key at its share of `limit` (no route limits, no learning). */
  fallback?: RedisFallbackOptions;
  /** Called when a settle, cancel or pause could not reach Redis (the permit's lease covers the slot). */
  onBackendError?: (error: BackendUnavailableError) => void;
  /** The clock of the fallback limiter and of event durations (default: `preciseClock`; Redis itself uses the server's `TIME`). */
  clock?: Clock;
  /**
   * Receives `limiter.wait` (this process's caller was granted after waiting, `durationMs` on
   * `clock`) and `limiter.pause` (`pause` froze a key for every process) events. A listener that
   * throws is ignored.
   */
  onEvent?: MlyEventListener | undefined;
  /** Timers for waits (default: the global ones). */
  scheduler?: Scheduler;
}

interface _Lane {
  tail: Promise<void>;
  waiting: number;
}

type _Reply = readonly unknown[];

/** A key's limit, window and spacing, as the script takes them. */
interface _Shape {
  readonly limit: number;
  readonly windowMs: number;
  readonly spanUs: number;
  readonly spacingUs: number;
  readonly ttlMs: number;
  /** µs per step up of a learned limit; 0: learning off. */
  readonly probeUs: number;
}

let _instances = 0;

/**
 * A {@link RateLimiter} shared by every process that uses the same Redis: the same two-phase
 * semantics as `createRateLimiter` (slots timed from the response, even or burst mode, pause),
 * computed by one Lua script per acquire — exactly one round trip — on the Redis server's clock,
 * with hash-tagged keys (`{mly:rl:<key>}:…`) so it runs on Redis Cluster. Waiters of one process
 * queue FIFO per key; across processes whoever asks first after a slot frees wins.
 *
 * Routes may have their own limit (`routes`), and a route learns its real limit from a 429
 * (`learn`, on by default): the limit drops to the requests admitted in the window before it and
 * probes back up slowly, shared with every process through `{prefix:key}:ll`.
 *
 * When Redis does not answer within `timeoutMs` it fails closed with `BackendUnavailableError`,
 * unless `fallback` is set: then it limits locally at `limit / expectedProcesses`.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { RedisRateLimiter } from "@mly/ratelimit-redis";
 *
 * const limiter = new RedisRateLimiter({ client: new Redis("redis://127.0.0.1:6379"), limit: 20, windowMs: 60_000 });
 * const permit = await limiter.acquire("GET /v2/buildings/{id}");
 * const response = await fetch("https://api.mapiq.com/v2/buildings/12");
 * await permit.settle({ status: response.status });
 * ```
 */
export class RedisRateLimiter implements RateLimiter {
  /** Requests per window, across processes. */
  readonly limit: number;
  /** The window length in ms. */
  readonly windowMs: number;
  /** The mode. */
  readonly mode: RateLimitMode;
  /** The margin added to the window, in ms. */
  readonly marginMs: number;
  /** In even mode, the ms between two slots; 0 in burst mode. */
  readonly spacingMs: number;
  /** The local limiter used while Redis is down, if a fallback was configured. */
  readonly fallback: LocalRateLimiter | undefined;
  readonly #redis: RedisCommander;
  /** {@link RedisRateLimiter.#redis} with every command time-bounded and its failures as `BackendUnavailableError`. */
  readonly #bounded: RedisCommander = { send: (args) => this.#send(args) };
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #leaseMs: number;
  readonly #maxQueue: number;
  readonly #scheduler: Scheduler;
  readonly #onBackendError: ((error: BackendUnavailableError) => void) | undefined;
  readonly #onEvent: MlyEventListener | undefined;
  readonly #clock: Clock;
  readonly #lanes = new Map<string, _Lane>();
  readonly #instance = `${(++_instances).toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
  /** The shape of keys without a route limit, and of each route with one. */
  readonly #shape: _Shape;
  readonly #routes = new Map<string, _Shape>();
  #sequence = 0;

  /** Creates a limiter over `options.client`. */
  constructor(options: RedisRateLimiterOptions) {
    // A local limiter validates the options and fixes the defaults, so both backends agree.
    const shape = new LocalRateLimiter({ limit: options.limit, windowMs: options.windowMs, ...(options.mode === undefined ? {} : { mode: options.mode }), ...(options.marginMs === undefined ? {} : { marginMs: options.marginMs }) });
    this.limit = shape.limit;
    this.windowMs = shape.windowMs;
    this.mode = shape.mode;
    this.marginMs = shape.marginMs;
    this.spacingMs = shape.spacingMs;
    this.#redis = toRedisCommander(options.client);
    this.#prefix = options.prefix ?? "mly:rl";
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#leaseMs = options.settleTimeoutMs ?? 60_000;
    this.#maxQueue = options.maxQueue ?? 1000;
    this.#scheduler = options.scheduler ?? systemScheduler;
    const probeEveryWindows = options.learn === false ? 0 : (options.learn?.probeEveryWindows ?? DEFAULT_PROBE_EVERY_WINDOWS);
    if (options.learn !== false && !(probeEveryWindows > 0)) throw new ConfigError("learn.probeEveryWindows must be > 0.");
    this.#shape = this.#shapeOf(shape, probeEveryWindows);
    for (const [route, limit] of Object.entries(options.routes ?? {})) {
      if (routeOfKey(route) !== route) throw new ConfigError(`Route "${route.slice(0, 80)}" is not "METHOD /template" (e.g. "GET /v2/reports/{id}").`);
      const routeShape = new LocalRateLimiter({ limit: limit.limit, windowMs: limit.windowMs, mode: this.mode, ...(options.marginMs === undefined ? {} : { marginMs: options.marginMs }) });
      this.#routes.set(route, this.#shapeOf(routeShape, probeEveryWindows));
    }
    this.#onBackendError = options.onBackendError;
    this.#onEvent = options.onEvent;
    this.#clock = options.clock ?? preciseClock;
    if (options.fallback !== undefined) {
      const processes = options.fallback.expectedProcesses;
      if (!Number.isInteger(processes) || processes < 1) throw new ConfigError(`fallback.expectedProcesses must be a whole number ≥ 1 (got ${String(processes)}).`);
      const share = Math.floor(this.limit / processes);
      if (share < 1) throw new ConfigError(`A limit of ${this.limit} cannot be shared by ${processes} processes: the fallback would allow less than 1 request per window.`);
      this.fallback = new LocalRateLimiter({
        limit: share,
        windowMs: this.windowMs,
        mode: this.mode,
        marginMs: this.marginMs,
        settleTimeoutMs: this.#leaseMs,
        maxQueue: this.#maxQueue,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        scheduler: this.#scheduler,
      });
    }
  }

  /** The Redis keys of `key`: `{prefix:key}:log`, `:inf`, `:st`, `:ll` (learned limit) — one hash tag, so one Cluster slot. */
  redisKeys(key: string): [string, string, string, string] {
    const tag = `{${this.#prefix}:${encodeURIComponent(key)}}`;
    return [`${tag}:log`, `${tag}:inf`, `${tag}:st`, `${tag}:ll`];
  }

  /**
   * The limit `key` runs at now, for every process: its route's limit, or what a 429 taught it
   * (rising back slowly). One Redis round trip.
   *
   * @throws {BackendUnavailableError} Redis did not answer within `timeoutMs`.
   */
  async limitOf(key: string): Promise<number> {
    const shape = this.#shapeOfKey(key);
    return Number(await this.#eval(key, ["limit", String(shape.limit), String(shape.probeUs)]));
  }

  /** The limit, window and spacing of `key`: its route's, or the limiter's. */
  #shapeOfKey(key: string): _Shape {
    const route = this.#routes.size === 0 ? undefined : routeOfKey(key);
    return (route === undefined ? undefined : this.#routes.get(route)) ?? this.#shape;
  }

  #shapeOf(shape: LocalRateLimiter, probeEveryWindows: number): _Shape {
    const spanMs = shape.windowMs + shape.marginMs;
    return {
      limit: shape.limit,
      windowMs: shape.windowMs,
      spanUs: Math.ceil(spanMs * 1000),
      spacingUs: Math.ceil(shape.spacingMs * 1000),
      ttlMs: Math.ceil(spanMs + shape.spacingMs + this.#leaseMs + 1000),
      probeUs: Math.ceil(probeEveryWindows * spanMs * 1000),
    };
  }

  /**
   * Waits for a slot on `key` and reserves it (one Redis round trip when a slot is free).
   *
   * @throws {BackendUnavailableError} Redis did not answer within `timeoutMs` and there is no fallback.
   * @throws {AbortedError} the signal fired while waiting.
   * @throws {QueueFullError} `maxQueue` callers of this process already wait for `key`.
   */
  async acquire(key: string, options: AcquireOptions = {}): Promise<RateLimitPermit> {
    const { signal } = options;
    if (signal?.aborted === true) throw new AbortedError("The rate-limit wait was aborted by the caller.", { cause: signal.reason });
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = { tail: Promise.resolve(), waiting: 0 };
      this.#lanes.set(key, lane);
    }
    if (lane.waiting >= this.#maxQueue) throw new QueueFullError(key, this.#maxQueue);
    lane.waiting += 1;
    const previous = lane.tail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    lane.tail = Promise.all([previous, mine]).then(() => undefined);
    const startedAt = this.#clock.now();
    const wait = { waited: lane.waiting > 1 };
    try {
      if (wait.waited) await _abortable(previous, signal);
      const permit = await this.#attempt(key, signal, wait);
      if (wait.waited) emitEvent(this.#onEvent, { type: "limiter.wait", key, durationMs: this.#clock.now() - startedAt });
      return permit;
    } finally {
      release();
      lane.waiting -= 1;
      if (lane.waiting === 0 && this.#lanes.get(key) === lane) this.#lanes.delete(key);
    }
  }

  /** Freezes `key` for every process for `waitMs` (a server's `Retry-After`). */
  async pause(key: string, waitMs: number): Promise<void> {
    if (!(waitMs > 0)) return;
    emitEvent(this.#onEvent, { type: "limiter.pause", key, durationMs: waitMs });
    this.fallback?.pause(key, waitMs);
    try {
      await this.#eval(key, ["pause", String(Math.ceil(waitMs * 1000)), String(Math.ceil(this.#shapeOfKey(key).ttlMs + waitMs))]);
    } catch (error) {
      this.#report(error);
    }
  }

  /** Takes a slot in Redis (or the fallback); sets `wait.waited` when it had to wait. */
  async #attempt(key: string, signal: AbortSignal | undefined, wait: { waited: boolean }): Promise<RateLimitPermit> {
    const { limit, spanUs, spacingUs, ttlMs, probeUs } = this.#shapeOfKey(key);
    let dueUs = 0;
    for (;;) {
      const id = `${this.#instance}:${(++this.#sequence).toString(36)}`;
      let reply: _Reply;
      try {
        reply = (await this.#eval(key, ["acquire", String(limit), String(spanUs), String(spacingUs), String(this.#leaseMs * 1000), id, String(ttlMs), String(dueUs), String(probeUs)])) as _Reply;
      } catch (error) {
        if (this.fallback === undefined || !(error instanceof BackendUnavailableError)) throw error;
        const local = this.fallback;
        if (local.stats(key).waitMs > 0) wait.waited = true;
        return local.acquire(key, signal === undefined ? {} : { signal });
      }
      if (Number(reply[0]) === 1) {
        const permit = new _RedisPermit(this, key, id, Number(reply[1]), Number(reply[2]));
        if (signal?.aborted === true) {
          await permit.cancel();
          throw new AbortedError("The rate-limit wait was aborted by the caller.", { cause: signal.reason });
        }
        return permit;
      }
      dueUs = Number(reply[2]) + Number(reply[1]);
      wait.waited = true;
      await _sleep(Math.max(1, Math.ceil(Number(reply[1]) / 1000)), signal, this.#scheduler);
    }
  }

  /** @internal Settles a permit (granted at `grantUs`) at the Redis server's time; a 429 teaches the key its limit. */
  async _settle(key: string, id: string, grantUs: number, outcome: PermitOutcome | undefined): Promise<void> {
    const shape = this.#shapeOfKey(key);
    const wait = outcome === undefined ? 0 : (outcome.retryAfterMs ?? (outcome.status === 429 ? shape.windowMs : 0));
    if (wait > 0) this.fallback?.pause(key, wait);
    const learn = outcome?.status === 429 && shape.probeUs > 0 ? [String(shape.limit), String(shape.spanUs), String(shape.probeUs), String(grantUs)] : [];
    try {
      await this.#eval(key, ["settle", id, String(Math.ceil(wait * 1000)), String(Math.ceil(shape.ttlMs + wait)), ...learn]);
    } catch (error) {
      this.#report(error);
    }
  }

  /** @internal Gives a permit's slot back. */
  async _cancel(key: string, id: string, grantUs: number, previousGrantUs: number): Promise<void> {
    try {
      await this.#eval(key, ["cancel", id, String(grantUs), String(previousGrantUs), String(this.#shapeOfKey(key).ttlMs)]);
    } catch (error) {
      this.#report(error);
    }
  }

  /** Hands a failed settle, cancel or pause to `onBackendError`; a programming error (`TypeError`) is thrown. */
  #report(error: unknown): void {
    if (!(error instanceof BackendUnavailableError)) throw error;
    this.#onBackendError?.(error);
  }

  /** One round trip: EVALSHA, or EVAL when the server has not cached the script (NOSCRIPT). */
  #eval(key: string, args: readonly string[]): Promise<unknown> {
    return LIMITER_SCRIPT.run(this.#bounded, this.redisKeys(key), args);
  }

  async #send(args: readonly string[]): Promise<unknown> {
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#scheduler.setTimeout(() => {
        reject(new BackendUnavailableError(`Redis did not answer within ${this.#timeoutMs} ms.`));
      }, this.#timeoutMs);
    });
    try {
      return await Promise.race([this.#redis.send(args), timeout]);
    } catch (error) {
      if (error instanceof BackendUnavailableError) throw error;
      // A programming error (a client of the wrong shape, a TypeError): never "retry later".
      const mistake = clientMistake(args, error);
      if (mistake !== undefined) throw mistake;
      throw new BackendUnavailableError(`Redis failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      this.#scheduler.clearTimeout(timer);
    }
  }
}

class _RedisPermit implements RateLimitPermit {
  /** When Redis granted the slot, in ms since the epoch on the Redis server's clock. */
  readonly grantedAtMs: number;
  #done = false;
  readonly #limiter: RedisRateLimiter;
  readonly #key: string;
  readonly #id: string;
  readonly #grantUs: number;
  readonly #previousGrantUs: number;

  constructor(limiter: RedisRateLimiter, key: string, id: string, grantUs: number, previousGrantUs: number) {
    this.#limiter = limiter;
    this.#key = key;
    this.#id = id;
    this.#grantUs = grantUs;
    this.#previousGrantUs = previousGrantUs;
    this.grantedAtMs = grantUs / 1000;
  }

  async settle(outcome?: PermitOutcome): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#limiter._settle(this.#key, this.#id, this.#grantUs, outcome);
  }

  async cancel(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#limiter._cancel(this.#key, this.#id, this.#grantUs, this.#previousGrantUs);
  }
}

/** Waits for `promise`, or rejects with `AbortedError` when `signal` fires first. */
function _abortable(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      reject(new AbortedError("The rate-limit wait was aborted by the caller.", { cause: signal.reason }));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}

/** Sleeps `ms`, or rejects with `AbortedError` when `signal` fires first. */
function _sleep(ms: number, signal: AbortSignal | undefined, scheduler: Scheduler): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      scheduler.clearTimeout(handle);
      reject(new AbortedError("The rate-limit wait was aborted by the caller.", { cause: signal?.reason }));
    };
    const handle = scheduler.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}
