/**
 * `npx -y pnpm@10.34.8 --filter @mly/bench bench:scaling`: the scaling bench alone (issue 14
 * goal 5), printed as Markdown. Size: BENCH_SCALING_MS (ms per round, default 200).
 */
import { numberFromEnv } from "./_env.ts";
import { scalingBench } from "./scaling.ts";

console.log(`mly scaling bench, Node ${process.version}, ${new Date().toISOString()}\n`);
console.log(await scalingBench({ roundMs: numberFromEnv("BENCH_SCALING_MS", 200), rounds: 5 }));
