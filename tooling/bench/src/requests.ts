/**
 * Per-request cost (issue 14 item 4): one authenticated `GET` whose JSON body is read, through
 * mly's plain fetch path (`createAuthFetch` of `@mly/fetch`, once with its default limiter and
 * once with `limiter: false`), mly's ky client (`createApiClient(…).ky`, both limiter settings),
 * bare `fetch` (without and with a 30 s timeout on an `AbortController`, as each attempt of
 * `createAuthFetch` has), bare `ky` with a static header, `@badgateway/oauth2-client`'s `OAuth2Fetch` and
 * `openid-client`'s `fetchProtectedResource`; sequential, then 100 in flight at once.
 *
 * The server: a tiny `node:http` server in a child process (`server.ts`), not the sandbox. It
 * answers 200 `{"id":"1"}` to the right bearer token and does nothing else, so its share of each
 * round trip is as small as it can be: every microsecond it spends is the same for all
 * contenders and only pulls every ratio towards 1, and the sandbox would add token lookup,
 * quota bookkeeping and logging to each request. In its own process its work and its garbage
 * stay out of the client's event loop and heap, so what differs between contenders is the
 * client's own work (with 100 requests in flight the server runs on the other core).
 *
 * mly's setup is the one a user has: a fresh token (valid for a day) in a `MemoryTokenStore`
 * behind a `RefreshCoordinator`, read on every request; the default limiter is
 * `policiesFor(profile)` with one per-endpoint policy of 10⁹ requests per second, so it does all
 * its bookkeeping (route template, key, permit, settle) but never waits. The bench fails if a
 * refresh ever runs or a contender gets a wrong answer.
 *
 * What is measured: the CPU time of the bench's own process (`process.cpuUsage()`, user +
 * system, every thread: garbage collection included, since allocation is part of the cost) per
 * request, which with the server in another process is the client's cost alone; and, beside it,
 * wall-clock time per request. The goals are judged on CPU time: on a shared machine (load
 * average above 10 on 2 cores when the README's figures were printed) a batch of a few ms may be
 * descheduled as a whole, which moves wall-clock ratios by tens of percent and CPU time hardly.
 *
 * Fairness: every contender calls the global `fetch` (one undici pool, warmed up before
 * measuring) and reads the body as JSON. Contenders are interleaved: each round runs one short
 * batch of every contender, in a new random order every round (seeded, so a run can be
 * repeated), so load on the machine hits all alike and no contender always follows the same
 * other one. A full garbage collection (outside the measurement) precedes every batch, so no
 * batch pays for garbage another one left; a batch pays for the collections its own allocation
 * triggers. A batch's figure is its mean time per request; a contender's µs figure is the median
 * over rounds, and a ratio is the
 * median of the per-round ratios (two batches of one round ran moments apart, so a change of
 * load between rounds cancels out of each ratio; the machine this runs on is shared and busy).
 */
import { fork } from "node:child_process";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { OAuth2Client, OAuth2Fetch } from "@badgateway/oauth2-client";
import type { RefreshCoordinator } from "@mly/auth-core/orchestration";
import { createApiClient, createAuthFetch } from "@mly/fetch";
import ky from "ky";
import { allowInsecureRequests, Configuration, fetchProtectedResource } from "openid-client";
import { createApiServer } from "./_api_server.ts";
import { mlySetup } from "./_mly_setup.ts";
import { goalLine, median, pairedRatio, seededRandom, shuffled, type Goal } from "./stats.ts";

/** Sizes of a run (environment: BENCH_ROUNDS, BENCH_SEQUENTIAL, BENCH_CONCURRENT_PER_WORKER, BENCH_SERVER). */
export interface RequestBenchOptions {
  /**
   * Where the loopback server runs: `child` (default: a child process, so the CPU time measured is
   * the client's alone) or `in-process` (the bench's own process: the server's work, the same for
   * every contender, is then in every CPU and wall figure and pulls every ratio towards 1).
   */
  server?: "child" | "in-process";
  /** Rounds; every contender runs one batch per round (default 40). */
  rounds: number;
  /** Requests in one sequential batch (default 50). */
  sequential: number;
  /** Requests each of the 100 concurrent workers sends in one batch (default 2, so 200 a batch). */
  perWorker: number;
}

const TOKEN = "bench-access-token-0123456789abcdef";
const CONCURRENCY = 100;
const DAY_MS = 86_400_000;

interface Contender {
  readonly name: string;
  /** One GET of `/items/42`, body read as JSON; resolves to its `id`. */
  readonly get: () => Promise<unknown>;
}

/** A contender's batch figures, one per round, in µs per request. */
interface Column {
  readonly name: string;
  readonly rounds: readonly number[];
}

/** One batch: µs per request of the process's CPU time and of the wall clock. */
interface Batch {
  readonly cpu: number;
  readonly wall: number;
}

/** Every batch of every contender in one mode (sequential or concurrent). */
class Samples {
  readonly #cpu = new Map<string, number[]>();
  readonly #wall = new Map<string, number[]>();

  /** The contenders' names, in the order the tables list them. */
  constructor(names: readonly string[]) {
    for (const name of names) {
      this.#cpu.set(name, []);
      this.#wall.set(name, []);
    }
  }

  add(name: string, batch: Batch): void {
    const cpu = this.#cpu.get(name) ?? [];
    const wall = this.#wall.get(name) ?? [];
    cpu.push(batch.cpu);
    wall.push(batch.wall);
    this.#cpu.set(name, cpu);
    this.#wall.set(name, wall);
  }

  columns(kind: "cpu" | "wall"): Column[] {
    return [...(kind === "cpu" ? this.#cpu : this.#wall)].map(([name, rounds]) => ({ name, rounds }));
  }
}

/** One goal of a run: its name, its goal, its CPU-time ratio and its wall-clock ratio. */
export interface GoalFigure {
  readonly name: string;
  readonly goal: Goal;
  readonly cpu: number;
  readonly wall: number;
}

/** The printed report of a run and its goal figures (for a summary over several runs). */
export interface RequestBenchResult {
  readonly report: string;
  readonly goals: readonly GoalFigure[];
}

/** Runs the request bench; returns the printed report and the goal figures. */
export async function requestBench(options: RequestBenchOptions): Promise<RequestBenchResult> {
  if (options.server === "in-process") {
    const local = createApiServer(TOKEN);
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    try {
      return await measure(`http://127.0.0.1:${(local.address() as AddressInfo).port}`, options);
    } finally {
      local.closeAllConnections();
      local.close();
    }
  }
  const server = fork(fileURLToPath(new URL("server.ts", import.meta.url)), [], {
    env: { ...process.env, BENCH_TOKEN: TOKEN },
    execArgv: ["--conditions=@mly/source", "--import", fileURLToPath(new URL("../../scripts/ts-loader.mjs", import.meta.url))],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.once("message", (message) => { resolve((message as { port: number }).port); });
      server.once("exit", (code) => { reject(new Error(`the bench server exited early (code ${code})`)); });
    });
    return await measure(`http://127.0.0.1:${port}`, options);
  } finally {
    server.disconnect();
  }
}

async function measure(base: string, options: RequestBenchOptions): Promise<RequestBenchResult> {
  const { contenders, coordinator } = await setUp(base);
  for (const contender of contenders) {
    for (let i = 0; i < 300; i++) await check(contender);
    for (let i = 0; i < 3; i++) await concurrentBatch(contender, 2);
  }
  const sequential = new Samples(contenders.map((c) => c.name));
  const concurrent = new Samples(contenders.map((c) => c.name));
  const random = seededRandom(14);
  for (let round = 0; round < options.rounds; round++) {
    const order = shuffled(contenders, random);
    for (const contender of order) sequential.add(contender.name, await sequentialBatch(contender, options.sequential));
    for (const contender of order) concurrent.add(contender.name, await concurrentBatch(contender, options.perWorker));
  }
  if (coordinator.refreshCount !== 0) throw new Error(`the token was refreshed ${coordinator.refreshCount} times: the bench's token should stay fresh`);
  const figures = [...goals("sequential", sequential), ...goals(`${CONCURRENCY} in flight`, concurrent)];
  const report = [
    `per-request cost: GET + JSON body against a node:http server ${options.server === "in-process" ? "in the bench's own process (its work is in every figure)" : "in a child process"} on loopback; ${options.rounds} interleaved rounds; µs: median over rounds of each batch's mean per request; ratios: median of the per-round ratios (lower is better). CPU: the client process's CPU time (user + system, all threads); wall: the wall clock`,
    "",
    ...table(`sequential (batches of ${options.sequential})`, sequential),
    "",
    ...table(`${CONCURRENCY} in flight (batches of ${CONCURRENCY * options.perWorker})`, concurrent),
    "",
    "goals (issue 14 item 4), ratio of CPU µs per request in the same run (the wall-clock ratio in parentheses):",
    ...figures.map((f) => `- ${goalLine(f.name, f.cpu, f.goal)} (wall clock ${f.wall.toFixed(2)}×)`),
  ].join("\n");
  return { report, goals: figures };
}

function roundsOf(columns: readonly Column[], name: string): readonly number[] {
  const column = columns.find((c) => c.name === name);
  if (column === undefined) throw new Error(`no contender named ${name}`);
  return column.rounds;
}

function table(title: string, samples: Samples): string[] {
  const cpu = samples.columns("cpu");
  const wall = samples.columns("wall");
  const cells = (columns: readonly Column[], name: string): string => {
    const rounds = roundsOf(columns, name);
    return `${median(rounds).toFixed(1)} | ${pairedRatio(rounds, roundsOf(columns, BARE_FETCH)).toFixed(2)} | ${pairedRatio(rounds, roundsOf(columns, BARE_KY)).toFixed(2)}`;
  };
  return [
    `${title}:`,
    "| contender | CPU µs per request | ÷ bare fetch | ÷ bare ky | wall µs per request | ÷ bare fetch | ÷ bare ky |",
    "|---|---|---|---|---|---|---|",
    ...cpu.map((c) => `| ${c.name} | ${cells(cpu, c.name)} | ${cells(wall, c.name)} |`),
  ];
}

function goals(mode: string, samples: Samples): GoalFigure[] {
  const cpu = samples.columns("cpu");
  const wall = samples.columns("wall");
  const line = (a: string, b: string, goal: Goal): GoalFigure => ({
    name: `${mode}: ${a} ÷ ${b}`,
    goal,
    cpu: pairedRatio(roundsOf(cpu, a), roundsOf(cpu, b)),
    wall: pairedRatio(roundsOf(wall, a), roundsOf(wall, b)),
  });
  return [
    line(MLY_FETCH, BARE_FETCH, { kind: "atMost", limit: 1.05 }),
    line(MLY_FETCH_NO_LIMITER, BARE_FETCH, { kind: "atMost", limit: 1.05 }),
    line(MLY_FETCH_NO_LIMITER, BARE_FETCH_TIMEOUT, { kind: "atMost", limit: 1.05 }),
    line(MLY_FETCH, BADGATEWAY, { kind: "atMost", limit: 1 }),
    line(MLY_FETCH, OPENID_CLIENT, { kind: "atMost", limit: 1 }),
    line(MLY_KY, BARE_KY, { kind: "atMost", limit: 1.03 }),
    line(MLY_KY_NO_LIMITER, BARE_KY, { kind: "atMost", limit: 1.03 }),
  ];
}

const BARE_FETCH = "bare fetch";
const BARE_FETCH_TIMEOUT = "bare fetch with a 30 s timeout (AbortController)";
const MLY_FETCH = "mly createAuthFetch (default limiter)";
const MLY_FETCH_NO_LIMITER = "mly createAuthFetch (limiter: false)";
const BADGATEWAY = "@badgateway/oauth2-client OAuth2Fetch";
const OPENID_CLIENT = "openid-client fetchProtectedResource";
const BARE_KY = "bare ky";
const MLY_KY = "mly createApiClient().ky (default limiter)";
const MLY_KY_NO_LIMITER = "mly createApiClient().ky (limiter: false)";

async function setUp(base: string): Promise<{ contenders: Contender[]; coordinator: RefreshCoordinator }> {
  const url = `${base}/items/42`;
  const { profile, client, key, coordinator, tokens } = await mlySetup(base, TOKEN);
  const mlyFetch = createAuthFetch({ profile, tokens });
  const mlyFetchNoLimiter = createAuthFetch({ profile, tokens, limiter: false });
  const mlyKy = createApiClient({ profile, client, coordinator, tokenKey: key }).ky;
  const mlyKyNoLimiter = createApiClient({ profile, client, coordinator, tokenKey: key, limiter: false }).ky;
  const bareKy = ky.create({ prefixUrl: `${base}/`, headers: { authorization: `Bearer ${TOKEN}` } });
  const badgateway = new OAuth2Fetch({
    client: new OAuth2Client({ server: base, clientId: client.clientId, tokenEndpoint: "/token" }),
    getNewToken: () => ({ accessToken: TOKEN, expiresAt: Date.now() + DAY_MS, refreshToken: null }),
    scheduleRefresh: false,
  });
  const openid = new Configuration({ issuer: base, token_endpoint: `${base}/token` }, client.clientId, client.clientSecret);
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the documented switch for plain-http servers: this one is http on 127.0.0.1
  allowInsecureRequests(openid);
  const idOf = async (response: Response): Promise<unknown> => ((await response.json()) as { id?: unknown }).id;
  const contenders: Contender[] = [
    { name: BARE_FETCH, get: async () => idOf(await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })) },
    {
      // What a careful caller writes: the same request, bounded in time as createAuthFetch bounds each attempt.
      name: BARE_FETCH_TIMEOUT,
      get: async () => {
        const wire = new AbortController();
        const timer = setTimeout(() => { wire.abort(); }, 30_000);
        try {
          return await idOf(await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` }, signal: wire.signal }));
        } finally {
          clearTimeout(timer);
        }
      },
    },
    { name: MLY_FETCH, get: async () => idOf(await mlyFetch(url)) },
    { name: MLY_FETCH_NO_LIMITER, get: async () => idOf(await mlyFetchNoLimiter(url)) },
    { name: BADGATEWAY, get: async () => idOf(await badgateway.fetch(url)) },
    { name: OPENID_CLIENT, get: async () => idOf(await fetchProtectedResource(openid, TOKEN, new URL(url), "GET")) },
    { name: BARE_KY, get: async () => (await bareKy.get("items/42").json<{ id?: unknown }>()).id },
    { name: MLY_KY, get: async () => (await mlyKy.get("items/42").json<{ id?: unknown }>()).id },
    { name: MLY_KY_NO_LIMITER, get: async () => (await mlyKyNoLimiter.get("items/42").json<{ id?: unknown }>()).id },
  ];
  return { contenders, coordinator };
}

async function check(contender: Contender): Promise<void> {
  const id = await contender.get();
  if (id !== "1") throw new Error(`${contender.name} got a wrong answer: ${String(id)}`);
}

/** Mean µs per request, CPU and wall clock, of `count` requests one after the other. */
async function sequentialBatch(contender: Contender, count: number): Promise<Batch> {
  collectGarbage();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) await check(contender);
  return perRequest(cpu, started, count);
}

/** A full collection before a batch (with `--expose-gc`), so no batch pays for garbage another one left. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function perRequest(cpuBefore: NodeJS.CpuUsage, started: number, count: number): Batch {
  const wall = ((performance.now() - started) * 1000) / count;
  const used = process.cpuUsage(cpuBefore);
  return { cpu: (used.user + used.system) / count, wall };
}

/** Mean µs per request, CPU and wall clock, of CONCURRENCY workers each sending `perWorker` requests one after the other. */
async function concurrentBatch(contender: Contender, perWorker: number): Promise<Batch> {
  const worker = async (): Promise<void> => {
    for (let i = 0; i < perWorker; i++) await check(contender);
  };
  collectGarbage();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return perRequest(cpu, started, CONCURRENCY * perWorker);
}
