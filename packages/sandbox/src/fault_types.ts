import type { ApiName } from "./http_types.ts";

/** What an injected fault does to a matching request. */
export type Fault =
  /** Wait `ms` before handling the request normally. */
  | { kind: "latency"; ms: number }
  /** Answer `status` (e.g. 500, 502, 503) instead of handling; `body` defaults to the API's error shape. */
  | { kind: "status"; status: number; body?: string; headers?: Record<string, string> }
  /** Handle the request, then send a truncated, unparseable JSON body with the same status. */
  | { kind: "malformed-json" }
  /** Destroy the socket: before handling (default) or after handling, with the response lost. */
  | { kind: "reset"; afterHandling?: boolean }
  /** Revoke the token the request presents, then handle it (so it fails with 190 / 401). */
  | { kind: "revoke-token" }
  /** Expire the token the request presents, then handle it. */
  | { kind: "expire-token" };

/** The fault kinds, as recorded in the request log. */
export type FaultKind = Fault["kind"];

/** What a fault predicate sees about a request. */
export interface FaultTarget {
  method: string;
  path: string;
  /** The matched route template, or `null`. */
  route: string | null;
  api: ApiName;
}

/** Which requests a fault applies to (all given conditions must hold) and how often. */
export interface FaultSpec {
  /** A route template (`/mapillary/graph/token`, `/mapiq/api/v2/buildings/{id}`) or a predicate. */
  route?: string | ((target: FaultTarget) => boolean);
  method?: string;
  api?: ApiName;
  fault: Fault;
  /** How many matching requests it hits: default 1 (one-shot); `Infinity` = until removed. */
  times?: number;
}

/** A live fault. */
export interface FaultHandle {
  readonly id: number;
  /** Matching requests still to hit. */
  readonly remaining: number;
  /** Requests hit so far. */
  readonly hits: number;
  /** Stops it early. */
  remove(): void;
}

/** The fault injection API. */
export interface FaultInjector {
  /** Adds a fault; faults apply in the order added. */
  inject(spec: FaultSpec): FaultHandle;
  /** The faults still active. */
  active(): FaultHandle[];
  /** Removes every fault. */
  clear(): void;
}
