import { createServer, type Server } from "node:http";

/** A loopback token endpoint that counts refresh requests and answers each with a new token. */
export interface TokenEndpoint {
  readonly url: string;
  /** Refresh requests received. */
  readonly count: number;
  /** The `refresh_token` values presented, in order. */
  readonly presented: readonly string[];
  close(): Promise<void>;
}

/** Starts the endpoint on 127.0.0.1; each answer is delayed `delayMs` to widen any race. */
export async function startTokenEndpoint(delayMs = 100): Promise<TokenEndpoint> {
  let count = 0;
  const presented: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      count++;
      const n = count;
      try {
        presented.push(String((JSON.parse(body) as { refresh_token?: unknown }).refresh_token));
      } catch {
        presented.push("?");
      }
      setTimeout(() => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ access_token: `at-refreshed-${n}`, refresh_token: `rt-refreshed-${n}`, expires_in: 3600, token_type: "bearer" }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/token`,
    get count() {
      return count;
    },
    get presented() {
      return presented;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
