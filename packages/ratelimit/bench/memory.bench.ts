import { it } from "vitest";
import { createRateLimiter, type RateLimitMode } from "../src/mod.ts";

const DURATION_MS = 1500;

/** Runs `body` in batches for about DURATION_MS and returns operations per second. */
async function opsPerSecond(body: (batch: number) => Promise<void> | void, batch = 10_000): Promise<number> {
  await body(batch); // warm up
  let ops = 0;
  const started = performance.now();
  while (performance.now() - started < DURATION_MS) {
    await body(batch);
    ops += batch;
  }
  return (ops * 1000) / (performance.now() - started);
}

it("(a) memory limiter: acquires per second on the allowed path", async () => {
  const map = new Map<string, number>();
  const baseline = await opsPerSecond((batch) => {
    for (let i = 0; i < batch; i += 1) map.set("k", (map.get("k") ?? 0) + 1);
  });
  const rows: string[] = [];
  for (const mode of ["burst", "even"] as RateLimitMode[]) {
    // A budget no loop can exhaust, so every acquire takes the allowed path (acquire + settle).
    const limiter = createRateLimiter({ limit: 1_000_000_000, windowMs: 100, mode });
    const rate = await opsPerSecond(async (batch) => {
      for (let i = 0; i < batch; i += 1) (await limiter.acquire("GET /v2/buildings/{id}")).settle();
    });
    const stats = limiter.stats("GET /v2/buildings/{id}");
    if (stats.queued !== 0 || stats.inflight !== 0) throw new Error("the allowed path queued");
    rows.push(`| ${mode} | ${(rate / 1e6).toFixed(2)} M/s | ${(rate / baseline).toFixed(3)} |`);
  }
  console.log(
    [
      "",
      "(a) memory limiter, allowed path (await acquire + settle), one key, one process",
      `baseline: bare Map increment ${(baseline / 1e6).toFixed(1)} M/s`,
      "| mode | acquires/s | ratio to Map increment |",
      "|---|---|---|",
      ...rows,
      "",
    ].join("\n"),
  );
});
