/**
 * Scaling (issue 14 item 5): time per operation and heap of the in-memory limiter
 * (`createRateLimiter` of `@mly/ratelimit`: `await acquire(key)` + `settle()`) and of the warm
 * token path (`RefreshCoordinator.getToken(key)` of `@mly/auth-core` over a `MemoryTokenStore`
 * holding a fresh token per key), with 1, 100, 10 000 and 100 000 distinct keys used round-robin.
 *
 * The limiter: 10⁹ requests per 1 ms window (even mode, the default), so every acquire takes the
 * allowed path and its sliding log holds no more than a few slots per key: what grows is the
 * key count, nothing else. Its `maxKeys` is the default 10 000, so at 100 000 keys every acquire
 * evicts one.
 *
 * Two phases. Heap: for each key count alone, what the subject holds after one pass over every
 * key (after two forced collections; run with `--expose-gc`): for the limiter, the heap with it
 * minus the heap once it is dropped (its keys kept); for getToken, the heap before and after the
 * pass.
 * Time: the four key counts of a subject side by side, each warmed up by a pass over its keys,
 * then rounds that run every count in turn (in a seeded random order, after a full collection) so load on the machine hits all
 * alike; the figure is the median round's CPU time of this process per operation
 * (`process.cpuUsage()`, so time the machine gave to other processes does not count). Per-op time is flat (O(1)) when 100 000 keys cost at
 * most 2× one key: a bigger working set misses the CPU caches, while a cost that grew with the
 * number of keys would be thousands of times slower. A control measured in the same rounds (an
 * `await`ed `Map.get` of one object per key) shows how much of the growth the caches alone make.
 */
import { formatTokenKey } from "@mly/auth-core";
import { MemoryTokenStore, RefreshCoordinator } from "@mly/auth-core/orchestration";
import { createRateLimiter, type LocalRateLimiter } from "@mly/ratelimit";
import { freshTokenSet } from "./_fresh_token.ts";
import { goalLine, median, pairedRatio, seededRandom, shuffled } from "./stats.ts";

/** Sizes of a run. */
export interface ScalingOptions {
  /** Length of one round of one key count, in ms. */
  roundMs: number;
  /** Rounds per key count. */
  rounds: number;
}

const COUNTS = [1, 100, 10_000, 100_000] as const;
const BATCH = 256;
const MAX_KEYS = 10_000;

/** One subject at one key count: an operation on key i, and what it holds. */
interface Subject {
  readonly keys: readonly string[];
  readonly run: (key: string) => Promise<unknown>;
  /** Keys the subject itself holds (the limiter's table), if it has such a count. */
  readonly held: () => number | undefined;
}

interface Row {
  readonly keys: number;
  /** CPU µs per operation, one figure per round. */
  readonly rounds: readonly number[];
  /** The control at the same key count, measured in the same rounds. */
  readonly control: readonly number[];
  readonly heapBytes: number;
  readonly held: number | undefined;
  /** getToken only: the heap of the store's tokens, before the coordinator ran. */
  readonly storeBytes?: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function limiterSubject(count: number): Subject & { limiter: LocalRateLimiter } {
  const limiter = createRateLimiter({ limit: 1_000_000_000, windowMs: 1, maxKeys: MAX_KEYS });
  return {
    limiter,
    keys: Array.from({ length: count }, (_, i) => `GET /v2/buildings/${i}`),
    run: async (key) => {
      // The local limiter settles synchronously (`settle` returns nothing to wait for).
      void (await limiter.acquire(key)).settle();
    },
    held: () => limiter.size,
  };
}

async function tokenSubject(count: number): Promise<Subject & { store: MemoryTokenStore }> {
  const store = new MemoryTokenStore();
  const keys = Array.from({ length: count }, (_, i) => formatTokenKey({ provider: "oauth2", clientId: "bench", profile: `user-${i}` }));
  const now = Date.now();
  for (const [i, key] of keys.entries()) await store.set(key, freshTokenSet(`access-token-${i}-0123456789abcdef`, { now, kind: "user", provider: "oauth2" }));
  const coordinator = new RefreshCoordinator({ store, renew: () => Promise.reject(new Error("bench: every token should stay fresh")) });
  return { store, keys, run: (key) => coordinator.getToken(key), held: () => undefined };
}

/**
 * The control: `await` a `Map.get` of one small object per key, the least any per-key lookup
 * costs. Its growth from 1 to 100 000 keys is what the memory hierarchy alone adds (a working set
 * that no longer fits the CPU caches), against which the subjects' growth is read.
 */
function controlSubject(count: number): Subject {
  const keys = Array.from({ length: count }, (_, i) => `control:key:${i}`);
  const map = new Map(keys.map((key, i) => [key, { tokens: freshTokenSet(`control-${i}`, { now: 0, kind: "user", provider: "oauth2" }), version: i }]));
  return { keys, run: (key) => Promise.resolve(map.get(key)), held: () => undefined };
}

async function pass(subject: Subject): Promise<void> {
  for (const key of subject.keys) await subject.run(key);
}

/** CPU µs per operation over one round of about `roundMs` (wall clock), continuing round-robin from `cursor`. */
async function round(subject: Subject, roundMs: number, cursor: { i: number }): Promise<number> {
  const { keys } = subject;
  let done = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  while (performance.now() - started < roundMs) {
    for (let end = done + BATCH; done < end; done++) {
      await subject.run(keys[cursor.i] ?? "");
      cursor.i = cursor.i + 1 === keys.length ? 0 : cursor.i + 1;
    }
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / done;
}

async function timeAll(subjects: readonly Subject[], options: ScalingOptions): Promise<number[][]> {
  const runs = subjects.map((subject) => ({ subject, cursor: { i: 0 }, samples: [] as number[] }));
  for (const subject of subjects) await pass(subject);
  const random = seededRandom(14);
  for (let r = 0; r < options.rounds; r++) {
    for (const run of shuffled(runs, random)) {
      heapUsed(); // a clean heap first: no round pays for another one's garbage
      run.samples.push(await round(run.subject, options.roundMs, run.cursor));
    }
  }
  return runs.map((run) => run.samples);
}

async function limiterRows(options: ScalingOptions): Promise<Row[]> {
  const heap: { bytes: number; held: number | undefined }[] = [];
  for (const count of COUNTS) {
    let subject: Subject | undefined = limiterSubject(count);
    const keys = subject.keys;
    await pass(subject);
    const held = subject.held();
    // What the limiter holds: the heap with it minus the heap once it is dropped, its keys kept (a
    // key is a rope that V8 flattens into a bigger string when first read: not the limiter's).
    const withLimiter = heapUsed();
    subject = undefined;
    heap.push({ bytes: withLimiter - heapUsed(), held });
    if (keys.length !== count) throw new Error("the keys must outlive the measurement");
  }
  const times = await timeAll([...COUNTS.map((count) => limiterSubject(count)), ...COUNTS.map((count) => controlSubject(count))], options);
  return COUNTS.map((keys, i) => ({ keys, rounds: times[i] ?? [], control: times[i + COUNTS.length] ?? [], heapBytes: heap[i]?.bytes ?? Number.NaN, held: heap[i]?.held }));
}

async function tokenRows(options: ScalingOptions): Promise<Row[]> {
  const heap: { bytes: number; storeBytes: number }[] = [];
  for (const count of COUNTS) {
    const base = heapUsed();
    const subject = await tokenSubject(count);
    const filled = heapUsed();
    await pass(subject);
    heap.push({ bytes: heapUsed() - filled, storeBytes: filled - base });
  }
  const subjects: Subject[] = [];
  for (const count of COUNTS) subjects.push(await tokenSubject(count));
  for (const count of COUNTS) subjects.push(controlSubject(count));
  const times = await timeAll(subjects, options);
  return COUNTS.map((keys, i) => ({ keys, rounds: times[i] ?? [], control: times[i + COUNTS.length] ?? [], heapBytes: heap[i]?.bytes ?? Number.NaN, storeBytes: heap[i]?.storeBytes ?? Number.NaN, held: undefined }));
}

/** The control's median µs at a row's key count and its growth from one key. */
function controlCell(row: Row, oneKey: Row): string {
  return `${median(row.control).toFixed(3)}, ${pairedRatio(row.control, oneKey.control).toFixed(2)}`;
}

/** The growth from 1 to 100 000 keys beyond the control's (what the memory hierarchy alone adds). */
function growthLine(rows: readonly Row[]): string {
  const oneKey = rows[0];
  const most = rows.at(-1);
  if (oneKey === undefined || most === undefined) throw new Error("no rows");
  const growth = pairedRatio(most.rounds, oneKey.rounds) / pairedRatio(most.control, oneKey.control);
  return `beyond the control's growth: ${growth.toFixed(2)}×`;
}

/** KiB; a negative difference (the heap shrank a little between the two readings) is below the noise. */
const kb = (bytes: number): string => (bytes < 0 ? "≈ 0 KiB" : `${(bytes / 1024).toFixed(0)} KiB`);
const count = (n: number): string => n.toLocaleString("en-US");

/** Runs the scaling bench; returns the printed report. */
export async function scalingBench(options: ScalingOptions): Promise<string> {
  const limiter = await limiterRows(options);
  const tokens = await tokenRows(options);
  const at = (rows: Row[], keys: number): Row => {
    const row = rows.find((r) => r.keys === keys);
    if (row === undefined) throw new Error(`no row for ${keys} keys`);
    return row;
  };
  const first = (rows: Row[]): Row => at(rows, 1);
  const last = (rows: Row[]): Row => at(rows, 100_000);
  const limiterHeapRatio = last(limiter).heapBytes / Math.max(at(limiter, MAX_KEYS).heapBytes, 1);
  const coordinatorGrowth = last(tokens).heapBytes - first(tokens).heapBytes;
  return [
    `scaling: distinct keys used round-robin; ${options.rounds} interleaved rounds of ${options.roundMs} ms per key count, median of the process's CPU µs per op; heap after two forced collections${gc === undefined ? " (NOT exact: run with --expose-gc)" : ""}`,
    "",
    `in-memory limiter, await acquire + settle (createRateLimiter, maxKeys ${count(MAX_KEYS)}):`,
    "| distinct keys | CPU µs per op | ÷ 1 key | control: µs, ÷ 1 key | keys held | heap held by the limiter |",
    "|---|---|---|---|---|---|",
    ...limiter.map((r) => `| ${count(r.keys)} | ${median(r.rounds).toFixed(3)} | ${pairedRatio(r.rounds, first(limiter).rounds).toFixed(2)} | ${controlCell(r, first(limiter))} | ${count(r.held ?? 0)} | ${kb(r.heapBytes)} |`),
    "",
    "warm getToken (RefreshCoordinator over a MemoryTokenStore, a fresh token per key):",
    "| distinct keys | CPU µs per op | ÷ 1 key | control: µs, ÷ 1 key | heap of the stored tokens | heap added by the coordinator's calls |",
    "|---|---|---|---|---|---|",
    ...tokens.map((r) => `| ${count(r.keys)} | ${median(r.rounds).toFixed(3)} | ${pairedRatio(r.rounds, first(tokens).rounds).toFixed(2)} | ${controlCell(r, first(tokens))} | ${kb(r.storeBytes ?? Number.NaN)} (${((r.storeBytes ?? 0) / r.keys).toFixed(0)} B per key) | ${kb(r.heapBytes)} |`),
    "",
    "goals (issue 14 item 5):",
    `- limiter O(1): ${goalLine("µs per op at 100,000 keys ÷ at 1 key", pairedRatio(last(limiter).rounds, first(limiter).rounds), { kind: "atMost", limit: 2 })}; ${growthLine(limiter)}`,
    `- limiter memory bounded by maxKeys: keys held at 100,000 keys = ${count(last(limiter).held ?? 0)} (≤ ${count(MAX_KEYS)}: ${(last(limiter).held ?? Infinity) <= MAX_KEYS ? "met" : "missed"}); ${goalLine("heap at 100,000 keys ÷ at 10,000", limiterHeapRatio, { kind: "atMost", limit: 1.5 })}`,
    `- getToken O(1): ${goalLine("µs per op at 100,000 keys ÷ at 1 key", pairedRatio(last(tokens).rounds, first(tokens).rounds), { kind: "atMost", limit: 2 })}; ${growthLine(tokens)}`,
    `- getToken memory: the coordinator keeps nothing per key on the warm path (heap its calls add at 100,000 keys minus at 1 key: ${kb(coordinatorGrowth)}, ${coordinatorGrowth <= 1024 * 1024 ? "met" : "missed"} against ≤ 1 MiB); the MemoryTokenStore holds every token it is given (no maxKeys: its memory is the tokens, linear in keys)`,
  ].join("\n");
}
