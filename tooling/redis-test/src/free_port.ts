import { createServer } from "node:net";

/**
 * A free loopback TCP port: nothing listens on it once this resolves.
 *
 * @example
 * ```ts
 * import { freePort } from "@mly/redis-test";
 * const port = await freePort(); // e.g. a URL where no Redis answers: `redis://127.0.0.1:${port}`
 * ```
 */
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
