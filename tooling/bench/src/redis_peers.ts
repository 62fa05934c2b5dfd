/**
 * The shared limiter against its peers (issue 14 goal 1): mly's `RedisRateLimiter`,
 * rate-limiter-flexible (`RateLimiterRedis` behind a `RateLimiterQueue`) and bottleneck's Redis
 * clustering (a reservoir refilled every window, and `minTime`), each driving the sandbox's Mapiq
 * emulator from 4 OS processes on a Redis of its own, all contenders at the same time (so the
 * machine's load hits them alike), for each of the three server shapes. Printed per contender:
 * 429s, share of the quota, p50 / p99 wait, Redis commands sent per request (counted in the
 * clients) and Redis calls made inside Lua per request (the servers' `INFO commandstats` less the
 * commands sent); then the goals as ratios against the peers measured in the same run.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mapiqProfile } from "@mly/auth-core";
import { rateLimitKeys } from "@mly/auth-core/rate-limit";
import { startRedisServer, type RedisServer } from "@mly/redis-test";
import { startSandbox, type RateShape, type Sandbox } from "@mly/sandbox";
import { Redis } from "ioredis";
import type { Contender, PeerWorkerConfig, PeerWorkerMessage } from "./_redis_peer_ipc.ts";
import { quantile } from "./stats.ts";

/** Sizes of the run. */
export interface RedisPeersOptions {
  /** Requests per window (the sandbox's and every contender's limit). */
  readonly limit: number;
  readonly windowMs: number;
  /** Windows of saturating demand per shape. */
  readonly windows: number;
  readonly processes: number;
  readonly callersPerProcess: number;
}

const CONTENDERS: readonly Contender[] = ["mly", "rate-limiter-flexible", "bottleneck reservoir", "bottleneck minTime"];
const SHAPES: readonly RateShape[] = ["sliding-log", "fixed-window", "weighted"];
const STARTUP_TIMEOUT_MS = 120_000;
/** How long after `endAt` the parent waits for a lane's reports before it reports that lane as failed (the workers' own hard end is 2 windows). */
const REPORT_GRACE_MS = 30_000;
/** Lead time between "go" and the common start, so every process has the message before the load begins. */
const START_LEAD_MS = 1000;

const began = Date.now();
/** Progress on stderr (the table goes to stdout): a slow run shows where it is, a stuck one where it stuck. */
function progress(line: string): void {
  console.error(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${line}`);
}

interface Row {
  readonly shape: RateShape;
  readonly contender: Contender;
  readonly accepted: number;
  readonly rejected: number;
  readonly share: number;
  readonly p50: number;
  readonly p99: number;
  readonly commandsPerRequest: number;
  readonly luaCallsPerRequest: number;
  /** Commands by script operation (mly only). */
  readonly operations: Readonly<Record<string, number>>;
  /** Callers let through at or after the end, who sent nothing. */
  readonly turnedAway: number;
}

function nextMessage(child: ChildProcess, type: PeerWorkerMessage["type"], timeoutMs: number): Promise<PeerWorkerMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${String(child.pid)}: no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: PeerWorkerMessage): void => {
      cleanup();
      if (message.type === type) resolve(message);
      else reject(new Error(`child ${String(child.pid)}: expected "${type}", got "${message.type}"`));
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`child ${String(child.pid)} exited (${String(code)}) before "${type}"`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function mapiqToken(sandbox: Sandbox): Promise<string> {
  const app = sandbox.credentials.mapiq;
  const response = await fetch(sandbox.endpoints.mapiq.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "https://api.mapiq.com/public/.default", client_id: app.clientId, client_secret: app.clientSecret }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Every command the server ran, top-level and inside scripts (`INFO commandstats`), less INFO itself. */
async function commandsRun(redis: Redis): Promise<number> {
  const info = await redis.info("commandstats");
  let calls = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (match[1] !== "info") calls += Number(match[2]);
  return calls;
}

/**
 * One contender for the whole run: its own Redis and its processes, started once and reused by
 * every shape (starting a worker, which loads the TypeScript compiler for its sources, is most of
 * a short run's time on a loaded machine). A process that died (a hard end) is replaced with the
 * others before the next shape.
 */
interface Contestant {
  readonly contender: Contender;
  readonly server: RedisServer;
  readonly stats: Redis;
  children: ChildProcess[];
}

/** One contender on one shape: its own sandbox, its processes configured and waiting for "go". */
interface Lane {
  run(startAt: number, endAt: number): Promise<Row>;
  close(): Promise<void>;
}

const alive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

function killAll(children: readonly ChildProcess[]): void {
  for (const child of children) if (alive(child)) child.kill("SIGKILL");
}

async function spawnWorkers(contender: Contender, count: number): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  try {
    await Promise.all(
      Array.from({ length: count }, async () => {
        const child = fork(new URL("_redis_peer_worker.ts", import.meta.url), [], {
          execArgv: ["--import", new URL("../../scripts/ts-loader.mjs", import.meta.url).href, "--conditions=@mly/source"],
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        children.push(child);
        child.once("exit", (code, signal) => {
          if (code !== 0 && signal !== "SIGKILL") console.error(`${contender}: a process exited early (${String(code ?? signal)})`);
        });
        await nextMessage(child, "hello", STARTUP_TIMEOUT_MS);
      }),
    );
    return children;
  } catch (error) {
    killAll(children);
    throw error;
  }
}

async function startContestant(contender: Contender, options: RedisPeersOptions): Promise<Contestant> {
  const started = Date.now();
  const server = await startRedisServer();
  const stats = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    const children = await spawnWorkers(contender, options.processes);
    progress(`${contender}: ${options.processes} processes started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { contender, server, stats, children };
  } catch (error) {
    stats.disconnect();
    await server.stop("SIGKILL");
    throw error;
  }
}

async function stopContestant(contestant: Contestant): Promise<void> {
  killAll(contestant.children);
  contestant.stats.disconnect();
  await contestant.server.stop("SIGKILL");
}

async function prepare(shape: RateShape, contestant: Contestant, options: RedisPeersOptions): Promise<Lane> {
  const { contender, stats: redis } = contestant;
  let sandbox: Sandbox | undefined;
  const close = async (): Promise<void> => {
    await sandbox?.close();
  };
  try {
    if (!contestant.children.every(alive)) {
      killAll(contestant.children);
      contestant.children = await spawnWorkers(contender, options.processes);
      progress(`${contender}: processes restarted for ${shape}`);
    }
    const children = contestant.children;
    // A clean Redis for every shape (the previous shape's keys, queues and reservations gone).
    await redis.flushall();
    const { limit, windowMs } = options;
    const box = await startSandbox({ datasetSize: 10, settings: { mapiqRateLimit: { limit, windowMs, shape } } });
    sandbox = box;
    const apiBaseUrl = box.endpoints.mapiq.apiBaseUrl;
    const url = `${apiBaseUrl}/v2/buildings`;
    const config: PeerWorkerConfig = {
      type: "config",
      contender,
      redisUrl: contestant.server.url,
      prefix: `bench-${shape}`,
      limit,
      windowMs,
      url,
      key: rateLimitKeys(mapiqProfile({ apiBaseUrl }), "GET", url)[0] ?? "",
      token: await mapiqToken(box),
      callers: options.callersPerProcess,
      hardLimitMs: 2 * STARTUP_TIMEOUT_MS + options.windows * windowMs * 4,
    };
    await Promise.all(
      children.map(async (child) => {
        const ready = nextMessage(child, "ready", STARTUP_TIMEOUT_MS);
        child.send(config);
        await ready;
      }),
    );
    return {
      close,
      run: async (startAt, endAt) => {
        const before = await commandsRun(redis);
        const done = children.map((child) => nextMessage(child, "done", endAt - Date.now() + REPORT_GRACE_MS));
        for (const child of children) child.send({ type: "go", startAt, endAt });
        const reports = await Promise.all(done);
        const after = await commandsRun(redis);
        const entries = box.log.entries({ method: "GET", path: new URL(url).pathname });
        const rejected = entries.filter((entry) => entry.status === 429).length;
        const accepted = entries.length - rejected;
        let commands = 0;
        let counted = 0;
        let turnedAway = 0;
        const operations: Record<string, number> = {};
        const waits: number[] = [];
        for (const report of reports) {
          if (report.type !== "done") throw new Error("unreachable");
          commands += report.commands;
          turnedAway += report.turnedAway;
          for (const [operation, count] of Object.entries(report.operations)) operations[operation] = (operations[operation] ?? 0) + count;
          counted += report.accepted + report.rejected;
          waits.push(...report.waits);
        }
        if (counted !== entries.length) throw new Error(`${contender} on ${shape}: the processes counted ${counted} requests, the sandbox logged ${entries.length}`);
        return {
          shape,
          contender,
          accepted,
          rejected,
          share: accepted / (limit * options.windows),
          p50: quantile(waits, 0.5),
          p99: quantile(waits, 0.99),
          commandsPerRequest: commands / entries.length,
          // What the server ran beyond the commands it was sent (bottleneck's subscriber and the
          // contenders' setup are outside the counted span: `before` is taken after it).
          luaCallsPerRequest: Math.max(0, after - before - commands) / entries.length,
          operations,
          turnedAway,
        };
      },
    };
  } catch (error) {
    // A process that did not answer may be stuck in its contender: the next shape starts new ones.
    killAll(contestant.children);
    await close();
    throw error;
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/**
 * Runs every contender on every shape and returns the table and the goal lines as Markdown.
 *
 * @example A short run
 * ```ts
 * console.log(await redisPeersBench({ limit: 20, windowMs: 2000, windows: 20, processes: 4, callersPerProcess: 3 }));
 * ```
 */
export async function redisPeersBench(options: RedisPeersOptions): Promise<string> {
  const rows: Row[] = [];
  const failures: string[] = [];
  const contestants: Contestant[] = [];
  try {
    // A contender that cannot start (or report, below) is reported as failed, not waited for:
    // every wait of the run is bounded, so the run ends and prints what it measured.
    for (const contender of CONTENDERS) {
      try {
        contestants.push(await startContestant(contender, options));
      } catch (error) {
        failures.push(`${contender}: did not start: ${String(error)}`);
        progress(failures.at(-1) ?? "");
      }
    }
    for (const shape of SHAPES) {
      const lanes: { contender: Contender; lane: Lane }[] = [];
      try {
        for (const contestant of contestants) {
          try {
            lanes.push({ contender: contestant.contender, lane: await prepare(shape, contestant, options) });
          } catch (error) {
            failures.push(`${shape} / ${contestant.contender}: not ready: ${String(error)}`);
            progress(failures.at(-1) ?? "");
          }
        }
        const startAt = Date.now() + START_LEAD_MS;
        const endAt = startAt + options.windows * options.windowMs;
        progress(`${shape}: load from ${lanes.length} contenders for ${options.windows} windows (${(endAt - startAt) / 1000} s)`);
        const settled = await Promise.allSettled(lanes.map(({ lane }) => lane.run(startAt, endAt)));
        settled.forEach((result, i) => {
          if (result.status === "fulfilled") rows.push(result.value);
          else failures.push(`${shape} / ${lanes[i]?.contender ?? "?"}: no report: ${String(result.reason)}`);
        });
        progress(`${shape}: done`);
      } finally {
        await Promise.all(lanes.map(({ lane }) => lane.close()));
      }
    }
  } finally {
    await Promise.all(contestants.map(stopContestant));
  }
  const lines = [
    `shared limiter: the sandbox's Mapiq emulator at ${options.limit} per ${options.windowMs / 1000} s, ${options.windows} windows of saturating demand from ${options.processes} OS processes × ${options.callersPerProcess} callers per contender, every contender on its own Redis and sandbox, all started at one instant and stopped ${options.windows * options.windowMs / 1000} s later; 429s and share from the sandbox's log (share: accepted ÷ ${options.limit} × ${options.windows}; the span is not aligned to a fixed server window, so it straddles ${options.windows + 1} of them and a limiter that bursts at window edges can pass 100 % there); wait: from asking the limiter to being let through; commands: sent to Redis by the processes (ioredis sendCommand counted), calls inside Lua: the server's INFO commandstats less those`,
    "",
    "| server shape | contender | 429s | accepted | share of quota | p50 wait | p99 wait | p99 / p50 | commands sent per request | calls inside Lua per request |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.shape} | ${r.contender} | ${r.rejected} | ${r.accepted} / ${options.limit * options.windows} | ${(r.share * 100).toFixed(1)} % | ${seconds(r.p50)} | ${seconds(r.p99)} | ${(r.p99 / r.p50).toFixed(2)} | ${r.commandsPerRequest.toFixed(2)} | ${r.luaCallsPerRequest.toFixed(1)} |`,
    ),
    ...failures.map((failure) => `| ${failure} |`),
    "",
    "goals (issue 14 goal 1), mly in each shape, and its ratio to each peer in the same run:",
  ];
  for (const shape of SHAPES) {
    const of = (contender: Contender): Row | undefined => rows.find((r) => r.shape === shape && r.contender === contender);
    const mly = of("mly");
    if (mly === undefined) {
      lines.push(`- ${shape}: mly has no row (see the failures above), no goal line`);
      continue;
    }
    const peers = CONTENDERS.filter((c) => c !== "mly")
      .map(of)
      .filter((row): row is Row => row !== undefined);
    const versus = (value: (r: Row) => number): string => peers.map((p) => `÷ ${p.contender} ${(value(mly) / value(p)).toFixed(2)}`).join(", ");
    const shareGoal = shape === "sliding-log" ? 0.98 : 0.99;
    const verdict = (met: boolean, missed: string): string => (met ? "met" : `missed by ${missed}`);
    lines.push(
      `- ${shape}: commands per request ${mly.commandsPerRequest.toFixed(2)} (goal ≤ 2.00: ${verdict(mly.commandsPerRequest <= 2, `${((mly.commandsPerRequest / 2 - 1) * 100).toFixed(1)} %`)}; ${versus((r) => r.commandsPerRequest)})`,
      `- ${shape}: ${commandsByOperation(mly)}`,
      `- ${shape}: p99 / p50 wait ${(mly.p99 / mly.p50).toFixed(2)} (goal ≤ 1.30: ${verdict(mly.p99 / mly.p50 <= 1.3, `${((mly.p99 / mly.p50 / 1.3 - 1) * 100).toFixed(1)} %`)}; ${versus((r) => r.p99 / r.p50)})`,
      `- ${shape}: 429s ${mly.rejected} (goal 0: ${verdict(mly.rejected === 0, `${mly.rejected}`)}; peers ${peers.map((p) => `${p.contender} ${p.rejected}`).join(", ")})`,
      `- ${shape}: share of quota ${(mly.share * 100).toFixed(1)} % (goal ≥ ${shareGoal * 100} %: ${verdict(mly.share >= shareGoal, `${((1 - mly.share / shareGoal) * 100).toFixed(1)} %`)}; ${versus((r) => r.share)})`,
    );
  }
  return lines.join("\n");
}

/**
 * mly's commands per request by script operation, and what is left once the reservations given
 * back at the stop are taken out (each cost an acquire and a cancel, and sent nothing): the
 * per-request cost of a run that does not stop.
 */
function commandsByOperation(mly: Row): string {
  const requests = mly.accepted + mly.rejected;
  if (requests === 0) return "commands per request by operation: no request was sent";
  const perRequest = (count: number): string => (count / requests).toFixed(3);
  const parts = Object.entries(mly.operations)
    .sort((a, b) => b[1] - a[1])
    .map(([operation, count]) => `${operation} ${perRequest(count)}`);
  const commands = mly.commandsPerRequest * requests;
  const cancels = mly.operations["cancel"] ?? 0;
  const withoutStop = (commands - cancels - Math.min(mly.turnedAway, mly.operations["acquire"] ?? 0)) / requests;
  return `commands per request by operation: ${parts.join(", ")}; ${mly.turnedAway} callers were let through after the stop and gave their reservation back (an acquire and a cancel each); without them ${withoutStop.toFixed(3)} commands per request`;
}
