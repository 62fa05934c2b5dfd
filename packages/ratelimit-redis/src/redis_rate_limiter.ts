import {
  AbortedError,
  BackendUnavailableError,
  ConfigError,
  deadline,
  delay,
  emitEvent,
  preciseClock,
  QueueFullError,
  type AcquireOptions,
  type Clock,
  type MlyEventListener,
  type PermitOutcome,
  type RateLimitPermit,
  type RateLimiter,
} from "@mly/auth-core";
import { LocalRateLimiter, type RateLimitMode } from "@mly/ratelimit";
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
  /**
   * The clock of the fallback limiter, event durations, the waits for a reserved slot and the
   * Redis command timeout (Redis itself decides slots on the server's `TIME`).
   *
   * @default {preciseClock}
   */
  clock?: Clock;
  /**
   * Receives `limiter.wait` (this process's caller was granted after waiting, `durationMs` on
   * `clock`) and `limiter.pause` (`pause` froze a key for every process) events. A listener that
   * throws is ignored.
   */
  onEvent?: MlyEventListener | undefined;
}

/** This process's callers of one key, and the newest epoch it heard of (a pause or a learned limit raises it). */
interface Lane {
  waiting: number;
  epoch: number;
}

type Reply = readonly unknown[];

/** A key's limit, window and spacing, as the script takes them. */
interface Shape {
  readonly limit: number;
  readonly windowMs: number;
  readonly spanUs: number;
  readonly spacingUs: number;
  /** How long the keys outlive the last thing scheduled on them. */
  readonly ttlMs: number;
  /** µs per step up of a learned limit; 0: learning off. */
  readonly probeUs: number;
}

/** A start time the script reserved (Redis server clock, µs). */
interface Reservation {
  readonly id: string;
  /** When the caller may send. */
  startUs: number;
  /** The server's time when it answered: the caller sleeps `startUs - nowUs`. */
  nowUs: number;
  /** The key's spacing deadline before and after this reservation (a cancel gives it back). */
  readonly previousTatUs: number;
  readonly tatUs: number;
  /** The key's epoch when it was made: a pause or a learned limit since voids it. */
  readonly epoch: number;
  /** More permits were pending than the limit: the start is an estimate, confirmed then. */
  readonly provisional: boolean;
  /** The key has a learned limit or was paused lately: confirm at the start time. */
  readonly check: boolean;
}

function readReservation(id: string, reply: Reply): Reservation {
  const flags = Number(reply[6]);
  return {
    id,
    startUs: Number(reply[0]),
    nowUs: Number(reply[1]),
    previousTatUs: Number(reply[3]),
    tatUs: Number(reply[4]),
    epoch: Number(reply[5]),
    provisional: (flags & 1) === 1,
    check: (flags & 2) === 2,
  };
}

let instances = 0;

/**
 * A {@link RateLimiter} shared by every process that uses the same Redis: the same two-phase
 * semantics as `createRateLimiter` (slots timed from the response, even or burst mode, pause),
 * computed by one Lua script on the Redis server's clock, with hash-tagged keys
 * (`{mly:rl:<key>}:…`) so it runs on Redis Cluster.
 *
 * An acquire reserves its start time in one round trip and the caller sleeps until then, without
 * asking again: a request costs one acquire and one settle. Reservations are handed out in the
 * order they reach Redis, so waiters of every process are served first come, first served. A
 * reservation is re-checked at its time (one more round trip) only when it could not be exact —
 * more permits pending than the limit — or the key is unsettled: it has a learned limit, was
 * paused within a window, or this process heard of a pause or a new learned limit since.
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
  readonly #onBackendError: ((error: BackendUnavailableError) => void) | undefined;
  readonly #onEvent: MlyEventListener | undefined;
  readonly #clock: Clock;
  readonly #lanes = new Map<string, Lane>();
  readonly #instance = `${(++instances).toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
  /** The shape of keys without a route limit, and of each route with one. */
  readonly #shape: Shape;
  readonly #routes = new Map<string, Shape>();
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
  #shapeOfKey(key: string): Shape {
    const route = this.#routes.size === 0 ? undefined : routeOfKey(key);
    return (route === undefined ? undefined : this.#routes.get(route)) ?? this.#shape;
  }

  #shapeOf(shape: LocalRateLimiter, probeEveryWindows: number): Shape {
    const spanMs = shape.windowMs + shape.marginMs;
    return {
      limit: shape.limit,
      windowMs: shape.windowMs,
      spanUs: Math.ceil(spanMs * 1000),
      spacingUs: Math.ceil(shape.spacingMs * 1000),
      // The script adds how far ahead the key's next reservation (or its pause) lies.
      ttlMs: Math.ceil(spanMs + this.#leaseMs + 1000),
      probeUs: Math.ceil(probeEveryWindows * spanMs * 1000),
    };
  }

  /**
   * Reserves the next start on `key` for every process (one Redis round trip) and sleeps until
   * then. First come, first served across processes.
   *
   * @throws {BackendUnavailableError} Redis did not answer within `timeoutMs` and there is no fallback.
   * @throws {AbortedError} the signal fired while waiting (the reservation is given back).
   * @throws {QueueFullError} `maxQueue` callers of this process already wait for `key`.
   */
  async acquire(key: string, options: AcquireOptions = {}): Promise<RateLimitPermit> {
    const { signal } = options;
    if (signal?.aborted === true) throw new AbortedError("The rate-limit wait was aborted by the caller.", { cause: signal.reason });
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      lane = { waiting: 0, epoch: -1 };
      this.#lanes.set(key, lane);
    }
    if (lane.waiting >= this.#maxQueue) throw new QueueFullError(key, this.#maxQueue);
    lane.waiting += 1;
    const startedAt = this.#clock.now();
    const wait = { waited: false };
    try {
      const permit = await this.#attempt(key, lane, signal, wait);
      if (wait.waited) emitEvent(this.#onEvent, { type: "limiter.wait", key, durationMs: this.#clock.now() - startedAt });
      return permit;
    } finally {
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
      const reply = (await this.#eval(key, ["pause", String(Math.ceil(waitMs * 1000)), String(Math.ceil(this.#shapeOfKey(key).ttlMs + waitMs)), String(this.#leaseMs * 1000), String(this.#shapeOfKey(key).spacingUs)])) as Reply;
      this.#heard(key, Number(reply[1]));
    } catch (error) {
      this.#report(error);
    }
  }

  /**
   * Reserves a start in Redis, sleeps until it, and confirms it when it has to (see the class
   * notes); falls back to the local limiter when Redis is unreachable. Sets `wait.waited` when
   * the caller had to wait.
   */
  async #attempt(key: string, lane: Lane, signal: AbortSignal | undefined, wait: { waited: boolean }): Promise<RateLimitPermit> {
    const shape = this.#shapeOfKey(key);
    const id = `${this.#instance}:${(++this.#sequence).toString(36)}`;
    const args = [String(shape.limit), String(shape.spanUs), String(shape.spacingUs), String(this.#leaseMs * 1000), id, String(shape.ttlMs), String(shape.probeUs)];
    let reservation: Reservation;
    try {
      reservation = readReservation(id, (await this.#eval(key, ["acquire", ...args])) as Reply);
    } catch (error) {
      this.#forget(key, id, error);
      return this.#fallbackAcquire(key, signal, wait, error);
    }
    this.#heard(key, reservation.epoch);
    for (;;) {
      const sleepUs = reservation.startUs - reservation.nowUs;
      if (sleepUs > 0) {
        wait.waited = true;
        try {
          await delay(Math.ceil(sleepUs / 1000), { signal, clock: this.#clock });
        } catch (error) {
          await this._cancel(key, id, reservation.previousTatUs, reservation.tatUs);
          throw error;
        }
      }
      const confirm = reservation.provisional || (sleepUs > 0 && (reservation.check || lane.epoch !== reservation.epoch));
      if (!confirm) return this.#grant(key, reservation, reservation.nowUs, signal);
      let reply: Reply;
      try {
        reply = (await this.#eval(key, ["confirm", ...args, String(reservation.epoch)])) as Reply;
      } catch (error) {
        this.#forget(key, id, error);
        return this.#fallbackAcquire(key, signal, wait, error);
      }
      const kind = Number(reply[0]);
      if (kind === 2) {
        reservation = readReservation(id, reply.slice(1));
        this.#heard(key, reservation.epoch);
        continue;
      }
      this.#heard(key, Number(reply[3]));
      if (kind === 1) {
        // A provisional start was an estimate: the slot starts now. A checked one keeps its start.
        if (reservation.provisional) reservation.startUs = Number(reply[1]);
        return this.#grant(key, reservation, Number(reply[1]), signal);
      }
      // Not yet (a provisional reservation whose turn has not come): sleep what the script said.
      reservation.nowUs = Number(reply[2]);
      reservation.startUs = reservation.nowUs + Number(reply[1]);
    }
  }

  /**
   * The permit of a reservation whose time has come, decided (reserved or confirmed) at
   * `decidedUs`; given back at once if the caller gave up meanwhile.
   */
  async #grant(key: string, reservation: Reservation, decidedUs: number, signal: AbortSignal | undefined): Promise<RateLimitPermit> {
    const permit = new RedisPermit(this, key, reservation, decidedUs);
    if (signal?.aborted === true) {
      await permit.cancel();
      throw new AbortedError("The rate-limit wait was aborted by the caller.", { cause: signal.reason });
    }
    return permit;
  }

  /**
   * An acquire or confirm of `id` got no answer in time, and its caller is told so: nobody will
   * use, settle or cancel that reservation. A client with an offline queue (or a Redis that was
   * only stalled, e.g. DEBUG SLEEP or a long fork) may still run the command once Redis is back,
   * leaving a reservation pending until its lease (`settleTimeoutMs`) runs out; `limit` of them
   * hold the key shut for every process that long. So a cancel is queued right behind it on the
   * same client (plain EVAL, as a promoted replica has no script cache), not time-bounded, its
   * outcome ignored: it removes the reservation if the command ran, and nothing otherwise.
   */
  #forget(key: string, id: string, error: unknown): void {
    if (!(error instanceof BackendUnavailableError)) return;
    try {
      this.#redis.send(["EVAL", LIMITER_SCRIPT.source, "4", ...this.redisKeys(key), "cancel", id, "-1", "-1"]).catch(() => undefined);
    } catch {
      // a client that cannot even queue the command: the lease covers the reservation
    }
  }

  /** Redis failed: the local fallback limiter takes over if there is one; else the error is thrown. */
  #fallbackAcquire(key: string, signal: AbortSignal | undefined, wait: { waited: boolean }, error: unknown): Promise<RateLimitPermit> {
    if (this.fallback === undefined || !(error instanceof BackendUnavailableError)) throw error;
    const local = this.fallback;
    if (local.stats(key).waitMs > 0) wait.waited = true;
    return local.acquire(key, signal === undefined ? {} : { signal });
  }

  /** A reply told the key's epoch: this process's sleeping callers of `key` confirm their reservation if it is newer. */
  #heard(key: string, epoch: number): void {
    const lane = this.#lanes.get(key);
    if (lane !== undefined && epoch > lane.epoch) lane.epoch = epoch;
  }

  /**
   * @internal Settles a permit at the Redis server's time; a 429 teaches the key its limit, unless
   * the key learned since the permit was decided (`decidedUs`: its start was reserved or confirmed).
   */
  async _settle(key: string, id: string, epoch: number, decidedUs: number, outcome: PermitOutcome | undefined): Promise<void> {
    const shape = this.#shapeOfKey(key);
    const wait = outcome === undefined ? 0 : (outcome.retryAfterMs ?? (outcome.status === 429 ? shape.windowMs : 0));
    if (wait > 0) this.fallback?.pause(key, wait);
    const learn = outcome?.status === 429 && shape.probeUs > 0 ? [String(shape.spanUs), String(shape.probeUs), String(decidedUs)] : [];
    try {
      const reply = (await this.#eval(key, ["settle", id, String(Math.ceil(wait * 1000)), String(Math.ceil(shape.ttlMs + wait)), String(shape.limit), String(this.#leaseMs * 1000), String(shape.spacingUs), String(epoch), ...learn])) as Reply;
      this.#heard(key, Number(reply[1]));
    } catch (error) {
      this.#report(error);
    }
  }

  /** @internal Gives a permit's reservation back (and its spacing, when no reservation came after it). */
  async _cancel(key: string, id: string, previousTatUs: number, tatUs: number): Promise<void> {
    try {
      await this.#eval(key, ["cancel", id, String(previousTatUs), String(tatUs)]);
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
    try {
      return await deadline(this.#redis.send(args), this.#timeoutMs, { clock: this.#clock });
    } catch (error) {
      if (error instanceof DOMException && error.name === "TimeoutError") throw new BackendUnavailableError(`Redis did not answer within ${this.#timeoutMs} ms.`);
      // A programming error (a client of the wrong shape, a TypeError): never "retry later".
      const mistake = clientMistake(args, error);
      if (mistake !== undefined) throw mistake;
      throw new BackendUnavailableError(`Redis failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

class RedisPermit implements RateLimitPermit {
  /** When the permit's slot started, in ms since the epoch on the Redis server's clock. */
  readonly grantedAtMs: number;
  #done = false;
  readonly #limiter: RedisRateLimiter;
  readonly #key: string;
  readonly #reservation: Reservation;
  readonly #decidedUs: number;

  constructor(limiter: RedisRateLimiter, key: string, reservation: Reservation, decidedUs: number) {
    this.#limiter = limiter;
    this.#key = key;
    this.#reservation = reservation;
    this.#decidedUs = decidedUs;
    this.grantedAtMs = reservation.startUs / 1000;
  }

  async settle(outcome?: PermitOutcome): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#limiter._settle(this.#key, this.#reservation.id, this.#reservation.epoch, this.#decidedUs, outcome);
  }

  async cancel(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#limiter._cancel(this.#key, this.#reservation.id, this.#reservation.previousTatUs, this.#reservation.tatUs);
  }
}
