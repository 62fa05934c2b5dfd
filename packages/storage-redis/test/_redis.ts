import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { Redis } from "ioredis";

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === "object" && address !== null ? address.port : 0);
      });
    });
  });
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Finds `redis-server` on PATH. */
export function redisServerBinary(): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(":")) {
    if (dir !== "" && existsSync(`${dir}/redis-server`)) return `${dir}/redis-server`;
  }
  return undefined;
}

/** Starts a throwaway `redis-server` on a free port (no persistence). */
export async function startRedisServer(port?: number): Promise<{ url: string; port: number; process: ChildProcess; stop(): Promise<void> }> {
  const binary = redisServerBinary();
  if (binary === undefined) throw new Error("redis-server is not installed");
  const chosen = port ?? (await freePort());
  const child = spawn(binary, ["--port", String(chosen), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${chosen}`;
  const deadline = Date.now() + 10_000;
  while (!(await answers(url))) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${chosen} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    port: chosen,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => {
          resolve();
        });
        child.kill("SIGKILL");
      }),
  };
}

let resolved: Promise<string | undefined> | undefined;

/**
 * The Redis to test against: REDIS_URL (default redis://127.0.0.1:6379); if nothing answers, a
 * redis-server started on a free port; if there is none, `undefined` after a loud notice
 * (and, when CI is set, an error: CI must not skip Redis tests).
 */
export function testRedisUrl(): Promise<string | undefined> {
  resolved ??= (async () => {
    const url = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
    if (await answers(url)) return url;
    if (redisServerBinary() !== undefined) {
      const server = await startRedisServer();
      process.once("exit", () => server.process.kill("SIGKILL"));
      return server.url;
    }
    const notice = `\n${"!".repeat(78)}\n!!! REDIS TESTS SKIPPED: nothing answers at ${url} and redis-server is not installed.\n!!! Set REDIS_URL or install redis-server.\n${"!".repeat(78)}\n`;
    console.error(notice);
    if (process.env["CI"] !== undefined && process.env["CI"] !== "" && process.env["CI"] !== "false") {
      throw new Error("Redis is required when CI is set: the Redis tests may not be skipped.");
    }
    return undefined;
  })();
  return resolved;
}
