// Size budgets (min+gzip, esbuild), checked by `pnpm size` in CI.
//
// Each package is measured without its `@mly/*` dependencies (`ignore`): a user installs
// `@mly/auth-core` anyway and pays for it once, and core has its own budget below.
//
// Issue 13 §6 withdrew the 3.5 kB core target (clarity wins over bytes) and set new ones: the
// code-flow entry ≤ 6.0 kB, fetch's own code ≤ 3.5 kB, ratelimit ≤ 2.5 kB. Not all are met: the
// limits below are ratchets at today's sizes plus ~1 %, so CI catches any growth; lower a limit
// to its target once the code fits. Today (`pnpm size`):
//   auth-core code flow + refresh  6.36 kB  (target 6.0 kB; it was 6.19 kB): issue 13 §4/§6 replaced the
//                                  sigil DSL of serialize.ts (one field list with `?`/`!`/`#`/`*` marks,
//                                  decoded at run time) by plain named readers and the object-level
//                                  tokenSetToJSON / tokenSetFromJSON, and StorageError gained `field`:
//                                  +0.17 kB, paid for clarity. Ratchet 6.42 kB (+1 %); the rest of the
//                                  way to 6.0 kB is outside serialization.
//   fetch, its own code            3.41 kB  (target 3.5 kB: met, and the limit): the main entry, since the
//                                  Mapillary helpers (paging, entities, detections) moved to the
//                                  `@mly/fetch/mapillary` subpath, measured on its own below (4.12 kB
//                                  with them). Bounded reads, same-origin redirects, the default
//                                  (learning) limiter, the one-off and app-only clients, telemetry.
//   fetch/mapillary, its own code  0.91 kB  (ratchet 0.93 kB).
//   fetch with core bundled        12.87 kB (13.69 kB with the Mapillary helpers; 13.49 kB before issue 13 §3's time port: the clock's
//                                  timers, deadlineSignal and delay on a clock, which every timeout of
//                                  fetch now runs on; 13.28 kB before the envelope parser and the hot
//                                  path) (core gained the coordinator's token cache, events and
//                                  classifyApiResponse)
//   ratelimit, its own code        3.00 kB  (target 2.5 kB; 3.08 kB before its Scheduler folded into
//                                  core's Clock): readable code, the linked-list LRU key
//                                  table, telemetry events (2.80 kB), then issue 14 item 2's allowed
//                                  path (+0.28 kB): the rules of a key, the permit, the ring-buffer
//                                  slot log and the linked list as small classes with named methods
//                                  (a minifier keeps public names), no Set per key, evicted states
//                                  reused. Faster than RateLimiterMemory (median of 9 bench runs);
//                                  golfing it back under 2.5 kB would undo issue 13 §6's readability.
//                                  Per-route and learned limits live in the `@mly/ratelimit/adaptive`
//                                  subpath, outside this budget.
const flow =
  "{ buildAuthorizationUrl, validateCallback, buildCodeExchange, buildRefresh, processTokenResponse, isUsable, needsRefresh, serializeTokenSet, parseTokenSet, tokenSetToJSON, tokenSetFromJSON, mapillary }";

module.exports = [
  { name: "@mly/auth-core: code flow + refresh (target 6.0 kB)", path: "packages/auth-core/dist/mod.js", import: flow, gzip: true, limit: "6.42 kB" },
  { name: "@mly/fetch: with @mly/auth-core bundled in, ky and @mly/ratelimit external (ratchet)", path: "packages/fetch/dist/mod.js", import: "*", ignore: ["ky", "@mly/ratelimit"], gzip: true, limit: "13.0 kB" },
  { name: "@mly/fetch: its own code, ky, @mly/auth-core and @mly/ratelimit external (target 3.5 kB)", path: "packages/fetch/dist/mod.js", import: "*", ignore: ["ky", "@mly/auth-core", "@mly/ratelimit"], gzip: true, limit: "3.5 kB" },
  { name: "@mly/fetch/mapillary: its own code, ky and @mly/* external (ratchet)", path: "packages/fetch/dist/mapillary.js", import: "*", ignore: ["ky", "@mly/auth-core", "@mly/ratelimit"], gzip: true, limit: "0.93 kB" },
  { name: "@mly/ratelimit: its own code, @mly/auth-core external", path: "packages/ratelimit/dist/mod.js", import: "*", ignore: ["@mly/auth-core"], gzip: true, limit: "3.03 kB" },
];
