import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { answers } from "./answers.ts";
import { freePort } from "./free_port.ts";

/** `redis-server` on PATH, or `undefined` when it is not installed. */
export function redisServerBinary(): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(":")) {
    if (dir !== "" && existsSync(`${dir}/redis-server`)) return `${dir}/redis-server`;
  }
  return undefined;
}

/** A private redis-server (never the shared one): a fresh script cache, and a server a test may stop. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Stops the server (default SIGKILL, a crash; SIGTERM shuts down cleanly) and resolves once it exited. Idempotent. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface StartRedisServerOptions {
  /** The port; default a free one. Pass a stopped server's port to restart it at the same URL. */
  readonly port?: number;
  /** How long the server gets to answer PING; default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Starts a throwaway `redis-server` on loopback (no persistence) and waits until it answers.
 * Throws when the binary is missing (check {@link redisServerBinary} first) or it does not start.
 *
 * @example
 * ```ts
 * import { startRedisServer } from "@mly/redis-test";
 * const server = await startRedisServer();
 * await server.stop();                                   // Redis "goes down"
 * const again = await startRedisServer({ port: server.port }); // and comes back at the same URL
 * await again.stop();
 * ```
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  if (binary === undefined) throw new Error("redis-server is not installed");
  const port = options.port ?? (await freePort());
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  const server: RedisServer = {
    url,
    port,
    process: child,
    stop: (signal = "SIGKILL") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => {
          resolve();
        });
        child.kill(signal);
      }),
  };
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (!(await answers(url))) {
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`redis-server on port ${port} did not start`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return server;
}
