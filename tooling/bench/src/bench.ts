/**
 * `pnpm --filter @mly/bench bench` (and the root `pnpm bench`): issue 14 items 4 and 5, printed
 * as Markdown tables with every goal's figure, ratio and verdict. Run with `--expose-gc` (the
 * `bench` script does) for the heap figures. Sizes: BENCH_ROUNDS, BENCH_SEQUENTIAL,
 * BENCH_CONCURRENT_PER_WORKER, BENCH_SERVER (requests) and BENCH_SCALING_MS (scaling).
 */
import { numberFromEnv, requestOptionsFromEnv } from "./_env.ts";
import { requestBench } from "./requests.ts";
import { scalingBench } from "./scaling.ts";

console.log(`mly bench, Node ${process.version}, ${new Date().toISOString()}\n`);
console.log((await requestBench(requestOptionsFromEnv())).report);
console.log("");
console.log(await scalingBench({ roundMs: numberFromEnv("BENCH_SCALING_MS", 200), rounds: 5 }));
