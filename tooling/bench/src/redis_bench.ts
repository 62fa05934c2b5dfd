/**
 * `pnpm --filter @mly/bench bench:redis` (part of `bench`): the shared limiter against its peers
 * (issue 14 goal 1), printed as Markdown. Sizes: BENCH_REDIS_WINDOWS (default 20 windows of 2 s).
 */
import { redisPeersBench } from "./redis_peers.ts";

const windows = Number(process.env["BENCH_REDIS_WINDOWS"] ?? 20);
if (!(Number.isInteger(windows) && windows > 0)) throw new RangeError(`BENCH_REDIS_WINDOWS must be a whole number > 0, got ${process.env["BENCH_REDIS_WINDOWS"]}`);
console.log(`mly shared-limiter bench, Node ${process.version}, ${new Date().toISOString()}\n`);
console.log(await redisPeersBench({ limit: 20, windowMs: 2000, windows, processes: 4, callersPerProcess: 3 }));
