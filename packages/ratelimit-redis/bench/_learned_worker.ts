/**
 * One OS process of the learned-limit bench (`learned.ts`): once ready it prints `ready`, reads the
 * start time (epoch ms) from stdin, and from then on calls the sandbox's
 * deviating Mapiq route for `WINDOWS` windows with `CONCURRENCY` callers, every call through a
 * `RedisRateLimiter` configured with the documented 20 per window and learning on, settling each
 * permit with the status and the server's wait. Prints one JSON line: `[{ at, status }, …]`
 * (`at`: ms since the start).
 */
import { detectRateLimit } from "@mly/auth-core/rate-limit";
import { Redis } from "ioredis";
import { RedisRateLimiter } from "../src/mod.ts";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const windowMs = Number(env("WINDOW_MS"));
const url = env("ROUTE_URL");
const key = env("KEY");

const redis = new Redis(env("REDIS_URL"), { maxRetriesPerRequest: 1 });
const limiter = new RedisRateLimiter({ client: redis, limit: 20, windowMs, prefix: env("PREFIX") });

const tokenResponse = await fetch(env("TOKEN_URL"), {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ grant_type: "client_credentials", scope: "https://api.mapiq.com/public/.default", client_id: env("CLIENT_ID"), client_secret: env("CLIENT_SECRET") }),
});
const token = ((await tokenResponse.json()) as { access_token: string }).access_token;

process.stdout.write("ready\n");
const startAt = await new Promise<number>((resolve) => {
  process.stdin.once("data", (chunk: Buffer) => {
    resolve(Number(chunk.toString("utf8").trim()));
  });
});
process.stdin.pause();
const endAt = startAt + Number(env("WINDOWS")) * windowMs;
const sent: { at: number; status: number }[] = [];
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));

async function caller(): Promise<void> {
  for (;;) {
    const permit = await limiter.acquire(key);
    if (Date.now() >= endAt) {
      await permit.cancel();
      return;
    }
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.text();
    const at = Date.now();
    const limited = detectRateLimit({ status: response.status, headers: response.headers, body }, { now: at });
    sent.push({ at: at - startAt, status: response.status });
    await permit.settle({ status: response.status, ...(limited === undefined ? {} : { retryAfterMs: limited.retryAfterMs }) });
  }
}

await Promise.all(Array.from({ length: Number(env("CONCURRENCY")) }, caller));
redis.disconnect();
process.stdout.write(`${JSON.stringify(sent)}\n`);
