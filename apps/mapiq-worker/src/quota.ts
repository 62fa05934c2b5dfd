/**
 * How much of the quota a run used, from the server's point of view (the sandbox's request log).
 *
 * @module
 */

/** The fields of a sandbox log entry the report reads. */
export interface QuotaLogEntry {
  /** When the server handled it, ms. */
  readonly time: number;
  /** The method. */
  readonly method: string;
  /** The route template, e.g. `/mapiq/api/v2/buildings/{id}` (`null`: no route matched). */
  readonly route: string | null;
  /** The HTTP status. */
  readonly status: number;
}

/** One operation's share. */
export interface OperationQuota {
  /** Accepted (non-429) requests. */
  accepted: number;
  /** What the limit allows over the run: `limit × span / window`. */
  possible: number;
  /** `accepted / possible`. */
  share: number;
}

/** The report of {@link quotaReport}. */
export interface QuotaReport {
  /** From the first to the last API request, plus one even-spacing interval, ms. */
  spanMs: number;
  /** Per operation (`GET /v2/buildings/{id}`). */
  operations: Record<string, OperationQuota>;
  /** 429 answers. */
  rateLimited: number;
  /** 401 answers. */
  unauthorized: number;
  /** Times of the token requests, ms. */
  tokenRequests: number[];
}

const API_PATH = "/mapiq/api";
const TOKEN = "/mapiq/account/api/public/oauth2/token";

/**
 * Reads a sandbox request log: per operation, the accepted requests against what `limit` per
 * `windowMs` allows over the run (from the first to the last API request, plus one even-spacing
 * interval, so a client spacing requests at exactly the allowed rate scores 100 %); the 429s;
 * the token requests.
 *
 * @example
 * ```ts
 * import { quotaReport } from "@mly/mapiq-worker";
 *
 * const report = quotaReport([{ time: 0, method: "GET", route: "/mapiq/api/v2/users", status: 200 }], { limit: 20, windowMs: 2000 });
 * report.operations["GET /v2/users"]?.accepted; // 1
 * ```
 */
export function quotaReport(entries: Iterable<QuotaLogEntry>, limit: { limit: number; windowMs: number }): QuotaReport {
  const api: QuotaLogEntry[] = [];
  const tokenRequests: number[] = [];
  for (const entry of entries) {
    if (entry.route === null) continue;
    if (entry.route.startsWith(`${API_PATH}/`)) api.push(entry);
    else if (entry.route === TOKEN && entry.method === "POST") tokenRequests.push(entry.time);
  }
  const spacing = limit.windowMs / limit.limit;
  const first = Math.min(...api.map((e) => e.time));
  const last = Math.max(...api.map((e) => e.time));
  const spanMs = api.length === 0 ? 0 : last - first + spacing;
  const possible = (limit.limit * spanMs) / limit.windowMs;
  const operations: Record<string, OperationQuota> = {};
  let rateLimited = 0;
  let unauthorized = 0;
  for (const entry of api) {
    const name = `${entry.method} ${(entry.route ?? "").slice(API_PATH.length)}`;
    const op = (operations[name] ??= { accepted: 0, possible, share: 0 });
    if (entry.status === 429) rateLimited++;
    else if (entry.status === 401) unauthorized++;
    else if (entry.status >= 200 && entry.status < 300) op.accepted++;
  }
  for (const op of Object.values(operations)) op.share = possible === 0 ? 0 : op.accepted / possible;
  return { spanMs, operations, rateLimited, unauthorized, tokenRequests: tokenRequests.sort((a, b) => a - b) };
}
