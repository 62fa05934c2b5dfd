// The root `pnpm test`: every package's tests through turbo, one package at a time, with
// `--continue` so a red suite never hides the others (the exit code still fails), then the check
// that the run left no Redis keys behind (check-redis-clean.mjs). MLY_TEST_RUN names this run:
// @mly/redis-test puts it in every key prefix, so the check finds this run's keys even on a Redis
// that other runs share. Extra arguments go to turbo (`pnpm test --filter @mly/fetch`).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { checkRedisClean } from "./check-redis-clean.mjs";

const run = `r${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
process.env.MLY_TEST_RUN = run;
// pnpm 10 hands nested runs `pnpm_config_verify_deps_before_run=false`, which they read as the
// truthy string "false": each `pnpm run test` under turbo then checks the workspace state and may
// rewrite node_modules/.pnpm-workspace-state-v1.json while another pnpm reads it ("Unexpected end
// of JSON input", a package's tests never start). An empty value turns that check off; the install
// before `pnpm test` has just verified the dependencies.
const env = { ...process.env, pnpm_config_verify_deps_before_run: "" };
const turbo = spawnSync("turbo", ["run", "test", "--concurrency=1", "--continue", ...process.argv.slice(2)], { stdio: "inherit", env });
if (turbo.error !== undefined) throw turbo.error;
const clean = await checkRedisClean(run);
process.exitCode = turbo.status !== 0 ? (turbo.status ?? 1) : clean ? 0 : 1;
