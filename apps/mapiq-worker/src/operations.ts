/**
 * The Mapiq operations the workers poll. Each is its own rate-limit budget (per operation).
 *
 * @module
 */

/** One polled operation. */
export interface Operation {
  /** The route template, the server's and the limiter's key: `GET /v2/buildings/{id}`. */
  readonly name: string;
  /** The path relative to the API base URL for the `n`-th call, given the known building ids. */
  path(n: number, buildingIds: readonly string[]): string;
  /** Needs building ids first. */
  readonly needsIds: boolean;
}

/** `GET /v2/buildings`, `GET /v2/buildings/{id}` (cycling through the ids), `GET /v2/users`. */
export const OPERATIONS: readonly Operation[] = [
  { name: "GET /v2/buildings", path: () => "v2/buildings", needsIds: false },
  {
    name: "GET /v2/buildings/{id}",
    path: (n, ids) => `v2/buildings/${encodeURIComponent(ids[n % ids.length] ?? "")}`,
    needsIds: true,
  },
  { name: "GET /v2/users", path: () => "v2/users", needsIds: false },
];
