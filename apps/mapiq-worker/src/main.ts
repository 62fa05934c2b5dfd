#!/usr/bin/env node
/**
 * `mly-mapiq-worker`: N processes polling Mapiq under one shared token and one shared quota.
 *
 * @module
 */
import { startSandbox, type Sandbox } from "@mly/sandbox";
import { parseWorkerConfig, WORKER_HELP } from "./config.ts";
import { quotaReport, type QuotaReport } from "./quota.ts";
import { runWorkers } from "./supervisor.ts";

async function main(): Promise<number> {
  let config;
  try {
    config = parseWorkerConfig(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`mly-mapiq-worker: ${error instanceof Error ? error.message : String(error)}\nRun mly-mapiq-worker --help for the options.`);
    return 2;
  }
  if (config.help) {
    process.stdout.write(WORKER_HELP);
    return 0;
  }
  let sandbox: Sandbox | undefined;
  let client: { clientId: string; clientSecret: string };
  let endpoints = config.endpoints;
  if (config.sandbox) {
    sandbox = await startSandbox({
      settings: {
        mapiqRateLimit: { limit: config.limit, windowMs: config.windowMs, shape: "sliding-log" },
        mapiqTokenLifetimeSeconds: config.tokenLifetimeS,
      },
    });
    client = sandbox.credentials.mapiq;
    endpoints = sandbox.endpoints.mapiq;
    console.log(`sandbox: ${sandbox.url} — Mapiq limit ${config.limit} per ${config.windowMs} ms per operation, tokens live ${config.tokenLifetimeS} s`);
  } else {
    if (config.clientId === undefined || config.clientSecret === undefined) {
      console.error("mly-mapiq-worker: set MAPIQ_CLIENT_ID and MAPIQ_CLIENT_SECRET (issued by Mapiq support), or run with --sandbox.");
      return 2;
    }
    client = { clientId: config.clientId, clientSecret: config.clientSecret };
  }
  console.log(`${config.workers} workers for ${config.durationS} s, sharing Redis ${redact(config.redisUrl)} (token store + rate limiter)`);
  const summary = await runWorkers({
    job: {
      endpoints,
      client,
      limit: config.limit,
      windowMs: config.windowMs,
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      refreshPolicy: { clockSkewMs: config.clockSkewMs, minMarginMs: config.refreshMinMarginMs },
      reportEveryMs: 250,
    },
    workers: config.workers,
    durationMs: config.durationS * 1000,
    onLine: (line) => {
      console.log(line);
    },
    onChart: (lines) => {
      console.log(lines.join("\n"));
    },
  });
  const server: QuotaReport | undefined = sandbox === undefined ? undefined : quotaReport(sandbox.log.entries(), { limit: config.limit, windowMs: config.windowMs });
  await sandbox?.close();
  const elapsedS = summary.elapsedMs / 1000;
  const possible = (config.limit * summary.elapsedMs) / config.windowMs;
  console.log(`\nsummary after ${elapsedS.toFixed(1)} s, ${config.workers} workers`);
  for (const [op, n] of Object.entries(summary.total.perOperation).sort(([a], [b]) => a.localeCompare(b))) {
    const share = server?.operations[op]?.share ?? n / possible;
    console.log(`  ${op.padEnd(24)} ${String(n).padStart(6)} ok   ${(share * 100).toFixed(1)} % of the quota`);
  }
  console.log(`  requests ${summary.total.requests}, 429s ${summary.total.rateLimited}, 401s ${summary.total.unauthorized}, errors ${summary.total.errors}`);
  console.log(`  token requests ${summary.total.refreshes} (per worker: ${summary.perWorker.map((w) => w.refreshes).join(", ")})`);
  const events = summary.total.events;
  console.log(
    `  events: limiter waits ${events.waits}${events.waits > 0 ? ` (avg ${Math.round(events.waitMs / events.waits)} ms)` : ""}, pauses ${events.pauses}, throttles seen ${events.throttles}, ` +
      `token requests ${events.refreshes} (${events.refreshFailures} failed), store errors ${events.storeErrors}`,
  );
  if (server !== undefined) {
    console.log(`  sandbox saw: ${server.tokenRequests.length} token requests, ${server.rateLimited} × 429, ${server.unauthorized} × 401`);
  }
  for (const failure of summary.failures) console.error(`  FAILED ${failure}`);
  if (config.json) console.log(JSON.stringify({ summary, server: server ?? null, limit: config.limit, windowMs: config.windowMs }));
  return summary.failures.length === 0 ? 0 : 1;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(invalid URL)";
  }
}

process.exitCode = await main();
