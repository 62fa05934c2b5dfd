/**
 * `npx -y pnpm@10.34.8 --filter @mly/bench bench:requests`: the per-request cost alone (issue 14
 * goal 4), printed as Markdown. Sizes: BENCH_ROUNDS, BENCH_SEQUENTIAL,
 * BENCH_CONCURRENT_PER_WORKER; BENCH_SERVER=in-process puts the loopback server in this process;
 * BENCH_REPEAT=n runs the whole bench n times (one after the other) and ends with each goal's
 * median and range over the runs. Then, once, each client's own work without the network
 * (`own_work.ts`; BENCH_OWN_ROUNDS rounds, default 30).
 */
import { numberFromEnv, requestOptionsFromEnv } from "./_env.ts";
import { ownWorkBench } from "./own_work.ts";
import { requestBench, type GoalFigure } from "./requests.ts";
import { goalLine, median } from "./stats.ts";

const options = requestOptionsFromEnv();
const repeat = numberFromEnv("BENCH_REPEAT", 1);
console.log(`mly request bench, Node ${process.version}, ${new Date().toISOString()}\n`);
const runs: (readonly GoalFigure[])[] = [];
for (let run = 1; run <= repeat; run++) {
  const result = await requestBench(options);
  if (repeat > 1) console.log(`run ${run} of ${repeat}:\n`);
  console.log(`${result.report}\n`);
  runs.push(result.goals);
}
if (repeat > 1) {
  console.log(`goals over ${repeat} runs: median CPU-time ratio (range; wall-clock median):`);
  for (const [i, figure] of (runs[0] ?? []).entries()) {
    const cpu = runs.map((goals) => goals[i]?.cpu ?? Number.NaN);
    const wall = runs.map((goals) => goals[i]?.wall ?? Number.NaN);
    console.log(`- ${goalLine(figure.name, median(cpu), figure.goal)} (range ${Math.min(...cpu).toFixed(2)}–${Math.max(...cpu).toFixed(2)}; wall clock ${median(wall).toFixed(2)}×)`);
  }
}
console.log(`\n${await ownWorkBench(numberFromEnv("BENCH_OWN_ROUNDS", 30), 500)}`);
