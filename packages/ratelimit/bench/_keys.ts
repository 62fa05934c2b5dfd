/**
 * The key-count bench (issue 11 item 5, issue 14 item 5): acquires/s and pauses/s of the
 * in-memory limiter with 1, 100, 10k, 100k and 1M distinct keys (the default `maxKeys` is
 * 10 000, so the last two evict on every new key), time per operation, and the heap the limiter
 * holds afterwards (the heap with it minus the heap once it is dropped). Time is given twice: wall
 * clock (ops/s) and the CPU time of this process per operation (`process.cpuUsage()`), which a busy
 * machine inflates much less (time spent waiting for a core is not counted). Run with `node --expose-gc`, through `tooling/scripts/ts-loader.mjs` (see
 * `pnpm bench:keys`); `keys.bench.ts` runs it inside `pnpm bench`.
 */
import { createRateLimiter, type LocalRateLimiter } from "../src/mod.ts";

/** How long each row runs, in ms (after a warm-up that fills the limiter's key table). */
const BUDGET_MS = Number(process.env["BENCH_BUDGET_MS"] ?? 1000);
const COUNTS = (process.env["BENCH_KEYS"] ?? "1,100,10000,100000,1000000").split(",").map(Number);
const BATCH = 256;

interface Row {
  operation: "acquire + settle" | "pause";
  keys: number;
  perSecond: number;
  cpuMicros: number;
  heapMB: number;
  held: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function limiter(): LocalRateLimiter {
  // A budget no loop can exhaust (limit 1e9) and a 1 ms window: every acquire takes the allowed path.
  return createRateLimiter({ limit: 1_000_000_000, windowMs: 1, mode: "burst" });
}

interface Timing {
  perSecond: number;
  cpuMicros: number;
}

/** Runs `operation(i)` for i = 0, 1, … (in batches) until the budget is spent; operations per second and CPU µs per operation. */
async function measure(operation: (i: number) => Promise<void> | void, warmup: number): Promise<Timing> {
  let i = 0;
  for (; i < warmup; i += 1) await operation(i);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let done = 0;
  while (performance.now() - started < BUDGET_MS) {
    for (let end = i + BATCH; i < end; i += 1) await operation(i);
    done += BATCH;
  }
  const perSecond = (done * 1000) / (performance.now() - started);
  const used = process.cpuUsage(cpu);
  return { perSecond, cpuMicros: (used.user + used.system) / done };
}

/** Times `operation` on `target` over `count` keys (round-robin). */
async function time(target: LocalRateLimiter, operation: Row["operation"], keys: readonly string[], count: number): Promise<Timing> {
  const warmup = Math.min(count, 10_000);
  if (operation === "pause") {
    return measure((i) => {
      target.pause(keys[i % count]!, 60_000);
    }, warmup);
  }
  return measure(async (i) => {
    (await target.acquire(keys[i % count]!)).settle();
  }, warmup);
}

async function row(operation: Row["operation"], count: number): Promise<Row> {
  const keys = Array.from({ length: Math.min(count, 2_000_000) }, (_, i) => `GET /v2/buildings/${i}`);
  let subject: LocalRateLimiter | undefined = limiter();
  const { perSecond, cpuMicros } = await time(subject, operation, keys, count);
  const held = subject.size;
  // What the limiter holds: the heap with it minus the heap without it. (Not the heap before the row:
  // V8 makes each key a rope and flattens it into a bigger string when it is first read, so that
  // difference would grow with the number of keys the row reached.)
  const withLimiter = heapUsed();
  subject = undefined;
  const heapMB = (withLimiter - heapUsed()) / 1e6;
  return { operation, keys: count, perSecond, cpuMicros, heapMB, held };
}

const rows: Row[] = [];
for (const operation of ["acquire + settle", "pause"] as const) {
  for (const count of COUNTS) rows.push(await row(operation, count));
}
const format = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
console.log(
  [
    "",
    `in-memory limiter by number of distinct keys (maxKeys 10 000 default; ${BUDGET_MS} ms per row after a warm-up of min(keys, 10 000) operations; heap held: the heap with the limiter minus without it, gc'd${gc ? "" : " — run with --expose-gc for exact figures"})`,
    "| operation | distinct keys | ops/s | µs per op | CPU µs per op | keys held | heap held |",
    "|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) => `| ${r.operation} | ${r.keys.toLocaleString("en-US")} | ${format(r.perSecond)}/s | ${(1e6 / r.perSecond).toFixed(3)} | ${r.cpuMicros.toFixed(3)} | ${r.held.toLocaleString("en-US")} | ${r.heapMB.toFixed(1)} MB |`,
    ),
    "",
  ].join("\n"),
);
