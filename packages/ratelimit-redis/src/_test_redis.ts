import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

/** A free loopback TCP port (nothing listens on it once this resolves). */
export async function _freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => { resolve(port); });
    });
  });
}

async function _answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return String(await client.call("PING")) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function _hasRedisServer(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("redis-server", ["--version"], { stdio: "ignore" });
    child.once("error", () => { resolve(false); });
    child.once("exit", (code) => { resolve(code === 0); });
  });
}

/** A private redis-server on a free port, for tests that need a fresh script cache or a server to stop. */
export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts `redis-server` on a free loopback port, or returns `undefined` when the binary is missing. */
export async function _startRedis(): Promise<OwnRedis | undefined> {
  if (!(await _hasRedisServer())) return undefined;
  const port = await _freePort();
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await _answers(url)); i += 1) await new Promise((r) => setTimeout(r, 50));
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => { resolve(); });
        child.kill("SIGTERM");
      }),
  };
}

/**
 * The Redis to test against: `REDIS_URL` (default redis://127.0.0.1:6379) when it answers, else a
 * redis-server started on a free port, else `undefined` — the caller skips loudly, and under
 * `CI` the skip itself fails.
 */
export async function _redisForTests(): Promise<{ url: string; own: OwnRedis | undefined } | undefined> {
  const url = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
  if (await _answers(url)) return { url, own: undefined };
  const own = await _startRedis();
  if (own !== undefined) return { url: own.url, own };
  console.warn(`\n!!! No Redis at ${url} and no redis-server binary: the Redis tests are SKIPPED. !!!\n`);
  return undefined;
}
