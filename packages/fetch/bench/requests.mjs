// 10,000 sequential authenticated GETs to a loopback server through @mly/fetch, through bare ky
// with a static header, and through bare fetch, in the same process, interleaved in batches.
// Prints the median latency of each and, last, `fetch/ky ratio: X.XX` (@mly/fetch over bare ky).
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { Secret, formatTokenKey, oauth2Profile } from "@mly/auth-core";
import { MemoryTokenStore } from "@mly/auth-core/orchestration";
import ky from "ky";
import { createApiClient } from "../dist/mod.js";

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 10_000);
const BATCH = 100;
const TOKEN = "bench-access-token-0123456789abcdef";

const server = createServer((req, res) => {
  const ok = req.headers.authorization === `Bearer ${TOKEN}`;
  res.writeHead(ok ? 200 : 401, { "content-type": "application/json" }).end(ok ? '{"id":"1"}' : "{}");
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const profile = oauth2Profile({ tokenEndpoint: `${base}/token`, apiBaseUrl: base });
const store = new MemoryTokenStore();
const client = { clientId: "bench", clientSecret: "bench-secret" };
const key = formatTokenKey({ provider: profile.id, clientId: client.clientId });
await store.set(key, {
  kind: "client_app",
  accessToken: new Secret(TOKEN),
  tokenType: "bearer",
  refreshToken: undefined,
  scopes: [],
  issuedAt: Date.now(),
  expiresAt: Date.now() + 86_400_000,
  notBefore: undefined,
  provider: profile.id,
  issuer: undefined,
  subject: undefined,
});
const mly = createApiClient({ profile, client, store, tokenKey: key });
const bareKy = ky.create({ prefixUrl: `${base}/`, headers: { authorization: `Bearer ${TOKEN}` } });

const contenders = {
  "@mly/fetch": async () => (await mly.ky.get("items/42").json()).id,
  "bare ky": async () => (await bareKy.get("items/42").json()).id,
  "bare fetch": async () => (await (await fetch(`${base}/items/42`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()).id,
};
const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));

// Warm up every path (JIT, keep-alive sockets).
for (const run of Object.values(contenders)) for (let i = 0; i < 500; i++) await run();

const names = Object.keys(contenders);
for (let done = 0, round = 0; done < TOTAL; done += BATCH, round++) {
  // Rotate the order every batch so no contender always runs first.
  const order = names.map((_, i) => names[(i + round) % names.length]);
  for (const name of order) {
    const run = contenders[name];
    for (let i = 0; i < BATCH; i++) {
      const started = performance.now();
      if ((await run()) !== "1") throw new Error(`${name} got a wrong answer`);
      samples[name].push(performance.now() - started);
    }
  }
}
server.closeAllConnections();
server.close();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
console.log(`${TOTAL} sequential GETs each, loopback, interleaved in batches of ${BATCH}`);
for (const name of names) console.log(`${name.padEnd(12)} median ${(median(samples[name]) * 1000).toFixed(1)} µs`);
console.log(`fetch/ky ratio: ${(median(samples["@mly/fetch"]) / median(samples["bare ky"])).toFixed(2)}`);
