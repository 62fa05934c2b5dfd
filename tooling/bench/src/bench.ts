/**
 * `pnpm --filter @mly/bench bench` (and the root `pnpm bench`): issue 14 items 4 and 5, printed
 * as Markdown tables with every goal's figure, ratio and verdict. Run with `--expose-gc` (the
 * `bench` script does) for the heap figures. Sizes: BENCH_ROUNDS, BENCH_SEQUENTIAL,
 * BENCH_CONCURRENT_PER_WORKER (requests) and BENCH_SCALING_MS (scaling).
 */
import { requestBench } from "./requests.ts";
import { scalingBench } from "./scaling.ts";

const numberFromEnv = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${process.env[name]}`);
  return value;
};

console.log(`mly bench, Node ${process.version}, ${new Date().toISOString()}\n`);
console.log(
  await requestBench({
    rounds: numberFromEnv("BENCH_ROUNDS", 40),
    sequential: numberFromEnv("BENCH_SEQUENTIAL", 50),
    perWorker: numberFromEnv("BENCH_CONCURRENT_PER_WORKER", 2),
  }),
);
console.log("");
console.log(await scalingBench({ roundMs: numberFromEnv("BENCH_SCALING_MS", 200), rounds: 5 }));
