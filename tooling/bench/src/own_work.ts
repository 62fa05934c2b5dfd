/**
 * Each client's own work per request, without the network (issue 14 item 4, beside the loopback
 * figures of `requests.ts`): every contender gets a `fetch` that answers at once from memory
 * with a new 200 `{"id":"1"}` `Response`, so no socket, no parser and no other process is in the
 * figures and what is left is the client code and its garbage. A loopback request costs some
 * hundreds of µs of CPU on this machine and its figures move by ±10 % between runs; this one
 * moves by a few µs, so a change to the request path shows here first.
 *
 * The baseline is that in-memory `fetch` called directly (a `Response` made and its JSON read);
 * each contender's "own µs" is its CPU time per request minus the baseline's in the same round.
 * Contenders are interleaved in a new random order every round, a full garbage collection before
 * each batch (outside the measurement), as in `requests.ts`.
 *
 * Beside the CPU time, the bytes each request allocates: the growth of the used heap over 100
 * requests after a full collection, counted only when no collection ran in between (the heap
 * never shrank from one request to the next); the median of five such counts. Unlike time on a
 * shared machine, this count hardly moves from run to run, and allocation is much of what a
 * request costs (with the collections it brings, on every thread). It counts the JavaScript heap
 * only (not the bytes behind an `ArrayBuffer`: bodies, stream chunks).
 *
 * What this leaves out: the in-memory `fetch` ignores its arguments, so the work a real `fetch`
 * does on what each client hands it (a `Request` built from a URL and a plain init, or a
 * `Request` it is given) is in no row. A client that builds a `Request` itself (ky, and the
 * `new Request` given to badgateway's middleware) pays for it here; one that hands `fetch` a URL
 * and a plain init (mly's `createAuthFetch`, openid-client) would pay for it inside `fetch`.
 */
import { getHeapStatistics } from "node:v8";
import { OAuth2Client, OAuth2Fetch } from "@badgateway/oauth2-client";
import { createApiClient, createAuthFetch } from "@mly/fetch";
import ky from "ky";
import { allowInsecureRequests, Configuration, customFetch, fetchProtectedResource } from "openid-client";
import { mlySetup } from "./_mly_setup.ts";
import { median, seededRandom, shuffled } from "./stats.ts";

const TOKEN = "bench-access-token-0123456789abcdef";
const BASE = "http://127.0.0.1:9";
const URL_ = `${BASE}/items/42`;
const DAY_MS = 86_400_000;
const BASELINE = "fetch answered in memory (baseline)";

/** One contender: one GET of `/items/42` through it, body read as JSON; resolves to its `id`. */
interface Contender {
  readonly name: string;
  readonly get: () => Promise<unknown>;
}

/** The answer every contender's fetch gives: a new 200 `{"id":"1"}` each time (a body is read once). */
function answer(): Promise<Response> {
  return Promise.resolve(new Response('{"id":"1"}', { status: 200, headers: { "content-type": "application/json" } }));
}

/** Runs `rounds` rounds of batches of `batch` sequential requests; returns the printed table. */
export async function ownWorkBench(rounds: number, batch: number): Promise<string> {
  if ((globalThis as { gc?: unknown }).gc === undefined) throw new Error("the own-work bench needs node --expose-gc (its counts start from a collected heap)");
  const contenders = await setUp();
  for (const contender of contenders) {
    for (let i = 0; i < 2_000; i++) await check(contender);
  }
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const random = seededRandom(15);
  for (let round = 0; round < rounds; round++) {
    for (const contender of shuffled(contenders, random)) samples.get(contender.name)?.push(await batchCpu(contender, batch));
  }
  const baseline = samples.get(BASELINE) ?? [];
  const own = (rounds: readonly number[]): number => median(rounds.map((value, i) => value - (baseline[i] ?? Number.NaN)));
  const allocated = new Map<string, number>();
  for (const contender of contenders) allocated.set(contender.name, await bytesPerRequest(contender));
  const baselineBytes = allocated.get(BASELINE) ?? Number.NaN;
  const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
  return [
    `own work per request: the same GET + JSON body with every client's fetch answered in memory (no network); ${rounds} interleaved rounds of ${batch} sequential requests; µs: median over rounds of the CPU time per request (user + system, all threads); own: minus the baseline's (in the same round for µs); KiB allocated: the used heap's growth per request over 100 requests without a collection, median of 5`,
    "",
    "| contender | CPU µs per request | own µs per request | KiB allocated per request | own KiB per request |",
    "|---|---|---|---|---|",
    ...[...samples].map(([name, rounds]) => {
      const bytes = allocated.get(name) ?? Number.NaN;
      return name === BASELINE
        ? `| ${name} | ${median(rounds).toFixed(1)} | — | ${kib(bytes)} | — |`
        : `| ${name} | ${median(rounds).toFixed(1)} | ${own(rounds).toFixed(1)} | ${kib(bytes)} | ${kib(bytes - baselineBytes)} |`;
    }),
  ].join("\n");
}

/** Median bytes allocated per request over five counts of 100 requests each, every count free of collections (with `--expose-gc`). */
async function bytesPerRequest(contender: Contender): Promise<number> {
  const counts: number[] = [];
  for (let attempt = 0; counts.length < 5; attempt++) {
    if (attempt === 50) throw new Error(`${contender.name}: a collection ran during every count of its allocations`);
    const count = await allocationCount(contender, 100);
    if (count !== undefined) counts.push(count);
  }
  return median(counts);
}

/** Bytes allocated per request over `requests` requests, or `undefined` if a collection ran in between. */
async function allocationCount(contender: Contender, requests: number): Promise<number | undefined> {
  (globalThis as { gc?: () => void }).gc?.();
  const start = getHeapStatistics().used_heap_size;
  let last = start;
  for (let i = 0; i < requests; i++) {
    await check(contender);
    const used = getHeapStatistics().used_heap_size;
    if (used < last) return undefined;
    last = used;
  }
  return (last - start) / requests;
}

async function setUp(): Promise<Contender[]> {
  const { profile, client, key, coordinator, tokens } = await mlySetup(BASE, TOKEN);
  const mlyFetch = createAuthFetch({ profile, tokens, fetch: answer });
  const mlyFetchNoLimiter = createAuthFetch({ profile, tokens, limiter: false, fetch: answer });
  const mlyKy = createApiClient({ profile, client, coordinator, tokenKey: key, fetch: answer }).ky;
  const mlyKyNoLimiter = createApiClient({ profile, client, coordinator, tokenKey: key, limiter: false, fetch: answer }).ky;
  const bareKy = ky.create({ prefixUrl: `${BASE}/`, headers: { authorization: `Bearer ${TOKEN}` }, fetch: answer });
  // OAuth2Fetch calls the global fetch; its middleware takes the next step as an argument.
  const badgateway = new OAuth2Fetch({
    client: new OAuth2Client({ server: BASE, clientId: client.clientId, tokenEndpoint: "/token" }),
    getNewToken: () => ({ accessToken: TOKEN, expiresAt: Date.now() + DAY_MS, refreshToken: null }),
    scheduleRefresh: false,
  });
  const badgatewayMiddleware = badgateway.mw();
  const openid = new Configuration({ issuer: BASE, token_endpoint: `${BASE}/token` }, client.clientId, client.clientSecret);
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the documented switch for plain-http URLs
  allowInsecureRequests(openid);
  openid[customFetch] = answer;
  const idOf = async (response: Response): Promise<unknown> => ((await response.json()) as { id?: unknown }).id;
  return [
    { name: BASELINE, get: async () => idOf(await answer()) },
    { name: "mly createAuthFetch (default limiter)", get: async () => idOf(await mlyFetch(URL_)) },
    { name: "mly createAuthFetch (limiter: false)", get: async () => idOf(await mlyFetchNoLimiter(URL_)) },
    { name: "@badgateway/oauth2-client OAuth2Fetch (its middleware, as its fetch() calls it)", get: async () => idOf(await badgatewayMiddleware(new Request(URL_), answer)) },
    { name: "openid-client fetchProtectedResource", get: async () => idOf(await fetchProtectedResource(openid, TOKEN, new URL(URL_), "GET")) },
    { name: "bare ky", get: async () => (await bareKy.get("items/42").json<{ id?: unknown }>()).id },
    { name: "mly createApiClient().ky (default limiter)", get: async () => (await mlyKy.get("items/42").json<{ id?: unknown }>()).id },
    { name: "mly createApiClient().ky (limiter: false)", get: async () => (await mlyKyNoLimiter.get("items/42").json<{ id?: unknown }>()).id },
  ];
}

async function check(contender: Contender): Promise<void> {
  const id = await contender.get();
  if (id !== "1") throw new Error(`${contender.name} got a wrong answer: ${String(id)}`);
}

/** CPU µs per request of `count` sequential requests, after a full collection (with `--expose-gc`). */
async function batchCpu(contender: Contender, count: number): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) await check(contender);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}
