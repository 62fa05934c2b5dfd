/**
 * `npx -y pnpm@10.34.8 --filter @mly/bench bench:requests`: the per-request cost alone (issue 14
 * goal 4), printed as Markdown. Sizes: BENCH_ROUNDS, BENCH_SEQUENTIAL,
 * BENCH_CONCURRENT_PER_WORKER; BENCH_SERVER=in-process puts the loopback server in this process.
 */
import { requestOptionsFromEnv } from "./_env.ts";
import { requestBench } from "./requests.ts";

console.log(`mly request bench, Node ${process.version}, ${new Date().toISOString()}\n`);
console.log(await requestBench(requestOptionsFromEnv()));
