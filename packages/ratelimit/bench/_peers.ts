/**
 * The in-memory limiter's allowed path against rate-limiter-flexible's `RateLimiterMemory`, in
 * the same process and run (issue 14 item 2): acquires per second with 1 key and with 10 000 keys
 * (used round-robin), as a ratio mly / peer (goal ≥ 1.0). Rounds alternate between the two so
 * load on the machine hits both alike; the median round of each is reported. Run through
 * `tooling/scripts/ts-loader.mjs` (see `pnpm bench:peers`); `peers.bench.ts` runs it inside `pnpm bench`.
 */
import { RateLimiterMemory } from "rate-limiter-flexible";
import { createRateLimiter } from "../src/mod.ts";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 7);
const ROUND_MS = Number(process.env["BENCH_ROUND_MS"] ?? 300);
const BATCH = 512;

type Contender = (key: string) => Promise<void>;

/** Operations per second of `run` over one round of about ROUND_MS. */
async function round(run: Contender, keys: readonly string[]): Promise<number> {
  let i = 0;
  let done = 0;
  const started = performance.now();
  while (performance.now() - started < ROUND_MS) {
    for (let end = done + BATCH; done < end; done += 1) {
      await run(keys[i] ?? "");
      i = i + 1 === keys.length ? 0 : i + 1;
    }
  }
  return (done * 1000) / (performance.now() - started);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function compare(keyCount: number, windowMs: number): Promise<{ mly: number; peer: number }> {
  const keys = Array.from({ length: keyCount }, (_, i) => `GET /v2/buildings/${i}`);
  // Budgets no loop exhausts, so every call takes the allowed path.
  const mlyLimiter = createRateLimiter({ limit: 1_000_000_000, windowMs });
  const peerLimiter = new RateLimiterMemory({ points: 1_000_000_000, duration: 1 });
  const mly: Contender = async (key) => {
    (await mlyLimiter.acquire(key)).settle();
  };
  const peer: Contender = async (key) => {
    await peerLimiter.consume(key);
  };
  await round(mly, keys); // warm-up of both
  await round(peer, keys);
  const rates = { mly: [] as number[], peer: [] as number[] };
  for (let r = 0; r < ROUNDS; r += 1) {
    // Alternate which one goes first.
    if (r % 2 === 0) {
      rates.mly.push(await round(mly, keys));
      rates.peer.push(await round(peer, keys));
    } else {
      rates.peer.push(await round(peer, keys));
      rates.mly.push(await round(mly, keys));
    }
  }
  return { mly: median(rates.mly), peer: median(rates.peer) };
}

const format = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : `${(n / 1e3).toFixed(0)} k/s`);
const rows: string[] = [];
// mly keeps an exact sliding log (one slot per request still in the window), so its cost grows with
// the requests inside one window; the peer counts in fixed windows. Both windows are printed.
for (const windowMs of [1, 1_000]) {
  for (const keyCount of [1, 10_000]) {
    const { mly, peer } = await compare(keyCount, windowMs);
    rows.push(`| ${keyCount.toLocaleString("en-US")} | ${windowMs} ms | ${format(mly)} | ${format(peer)} | ${(mly / peer).toFixed(2)} |`);
  }
}
console.log(
  [
    "",
    `in-memory allowed path: mly (await acquire + settle, even mode) vs rate-limiter-flexible RateLimiterMemory (await consume), same process, ${ROUNDS} alternating rounds of ${ROUND_MS} ms, medians`,
    "| distinct keys | mly window | mly acquires/s | RateLimiterMemory consumes/s (1 s window) | ratio mly / peer (goal ≥ 1.0) |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n"),
);
process.exit(0); // RateLimiterMemory keeps a timer per key
