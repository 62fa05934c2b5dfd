/**
 * The loopback API of the request bench: `GET` anything with `Authorization: Bearer <token>` →
 * 200 `{"id":"1"}`, any other credential → 401. Keep-alive is held for a minute so no contender
 * pays a reconnect between its batches. Run in a child process (`server.ts`, the default) or in
 * the bench's own process (`BENCH_SERVER=in-process`).
 */
import { createServer, type Server } from "node:http";

/** A server answering `token`; not listening yet. */
export function createApiServer(token: string): Server {
  const expected = `Bearer ${token}`;
  const ok = Buffer.from('{"id":"1"}');
  const rejected = Buffer.from('{"error":"invalid_token"}');
  const server = createServer((request, response) => {
    const body = token !== "" && request.headers.authorization === expected ? ok : rejected;
    response.writeHead(body === ok ? 200 : 401, { "content-type": "application/json", "content-length": body.length });
    response.end(body);
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
