/**
 * One worker: polls every operation in a loop through one API client whose token store and rate
 * limiter live in Redis, shared with the other workers.
 *
 * @module
 */
import { delay, formatTokenKey, mapiqProfile, MlyError } from "@mly/auth-core";
import { routeTemplate } from "@mly/auth-core/rate-limit";
import { createApiClient } from "@mly/fetch";
import { RedisRateLimiter } from "@mly/ratelimit-redis";
import { RedisTokenStore } from "@mly/storage-redis";
import { Redis } from "ioredis";
import { tallyEvents } from "./event_tally.ts";
import type { WorkerJob } from "./job.ts";
import { OPERATIONS, type Operation } from "./operations.ts";
import { emptyStats, type WorkerStats } from "./stats.ts";

/**
 * Runs one worker until `signal` aborts; reports its counters every `job.reportEveryMs` and
 * returns the final ones. Every worker builds the same token key and limiter keys, so they share
 * one token (one client-credentials request per expiry, under the store's Redis lock) and one
 * budget per operation.
 *
 * @example
 * ```ts
 * import { runWorker, type WorkerJob } from "@mly/mapiq-worker";
 *
 * declare const job: WorkerJob;
 * const stop = new AbortController();
 * setTimeout(() => stop.abort(), 10_000);
 * const stats = await runWorker(job, stop.signal, (s) => console.log(s.requests));
 * ```
 */
export async function runWorker(job: WorkerJob, signal: AbortSignal, report: (stats: WorkerStats) => void = () => undefined): Promise<WorkerStats> {
  const redis = new Redis(job.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  const stats = emptyStats();
  const profile = mapiqProfile(job.endpoints);
  const store = new RedisTokenStore({ client: redis, prefix: `${job.redisPrefix}:tokens` });
  // Every event of the client, its coordinator and the limiter is counted for the quota chart.
  const onEvent = tallyEvents(stats.events);
  // The quota is per client and per operation: the client id is part of the limiter's keys.
  const limiter = new RedisRateLimiter({ client: redis, limit: job.limit, windowMs: job.windowMs, prefix: `${job.redisPrefix}:rl:${job.client.clientId}`, onEvent });
  const countingFetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const operation = routeTemplate(profile, request.method, request.url);
    stats.requests++;
    let response: Response;
    try {
      response = await fetch(request, init);
    } catch (error) {
      if (!signal.aborted) stats.errors++;
      throw error;
    }
    if (response.ok) stats.perOperation[operation] = (stats.perOperation[operation] ?? 0) + 1;
    if (response.ok) stats.ok++;
    else if (response.status === 429) stats.rateLimited++;
    else if (response.status === 401) stats.unauthorized++;
    else stats.errors++;
    return response;
  };
  const api = createApiClient({
    profile,
    client: job.client,
    store,
    tokenKey: formatTokenKey({ provider: profile.id, clientId: job.client.clientId }),
    limiter,
    // A 429 should never come; if one does, the limiter pauses the key for every worker and this call waits.
    retryOnRateLimit: { maxWaitMs: Math.max(job.windowMs * 2, 120_000), maxRetries: 5 },
    refreshPolicy: job.refreshPolicy,
    fetch: countingFetch,
    onEvent,
  });
  const timer = setInterval(() => {
    stats.refreshes = api.coordinator?.refreshCount ?? 0;
    report({ ...stats, perOperation: { ...stats.perOperation }, events: { ...stats.events, used: { ...stats.events.used } } });
  }, job.reportEveryMs);
  let buildingIds: string[] = [];
  let idsReady: () => void = () => undefined;
  const haveIds = new Promise<void>((resolve) => {
    idsReady = resolve;
  });
  const aborted = new Promise<void>((resolve) => {
    signal.addEventListener("abort", () => {
      resolve();
    }, { once: true });
  });
  const stopped = (): boolean => signal.aborted;
  const loop = async (operation: Operation): Promise<void> => {
    if (operation.needsIds) await Promise.race([haveIds, aborted]);
    for (let n = 0; !signal.aborted; n++) {
      try {
        const body: unknown = await api.ky.get(operation.path(n + job.index, buildingIds), { signal }).json();
        if (operation.name === "GET /v2/buildings" && buildingIds.length === 0) {
          buildingIds = ids(body);
          if (buildingIds.length > 0) idsReady();
        }
      } catch (error) {
        if (stopped()) break;
        // Failures with a response were counted by the fetch wrapper; count the others (token endpoint, Redis).
        if (error instanceof MlyError && error.status === undefined && error.code !== "transport_error") stats.errors++;
        // A short pause keeps a failing API from being hammered.
        await delay(250);
      }
    }
  };
  try {
    await Promise.all(OPERATIONS.map(loop));
  } finally {
    clearInterval(timer);
    stats.refreshes = api.coordinator?.refreshCount ?? 0;
    redis.disconnect();
  }
  return stats;
}

function ids(body: unknown): string[] {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  return items.map((item: unknown) => (item as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === "string");
}
