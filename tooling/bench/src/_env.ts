/** Bench sizes from the environment, shared by `bench.ts` and `requests_bench.ts`. */
import type { RequestBenchOptions } from "./requests.ts";

/** A positive number from `name`, or `fallback` when it is unset. */
export function numberFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${process.env[name]}`);
  return value;
}

/** The request bench's options: BENCH_ROUNDS (40), BENCH_SEQUENTIAL (50), BENCH_CONCURRENT_PER_WORKER (2), BENCH_SERVER (child). */
export function requestOptionsFromEnv(): RequestBenchOptions {
  const server = process.env["BENCH_SERVER"] ?? "child";
  if (server !== "child" && server !== "in-process") throw new RangeError(`BENCH_SERVER must be child or in-process, got ${server}`);
  return {
    rounds: numberFromEnv("BENCH_ROUNDS", 40),
    sequential: numberFromEnv("BENCH_SEQUENTIAL", 50),
    perWorker: numberFromEnv("BENCH_CONCURRENT_PER_WORKER", 2),
    server,
  };
}
