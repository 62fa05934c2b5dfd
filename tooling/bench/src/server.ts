/**
 * The loopback API the request bench talks to, run in a child process of the bench
 * (`fork("server.ts")`): `GET` anything with `Authorization: Bearer <BENCH_TOKEN>` → 200
 * `{"id":"1"}`, any other credential → 401. Keep-alive is held for a minute so no contender pays
 * a reconnect between its batches. Tells the parent its port with `{ port }` over IPC, and exits
 * when the parent disconnects.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const token = process.env["BENCH_TOKEN"] ?? "";
const expected = `Bearer ${token}`;
const ok = Buffer.from('{"id":"1"}');
const rejected = Buffer.from('{"error":"invalid_token"}');

const server = createServer((request, response) => {
  const body = token !== "" && request.headers.authorization === expected ? ok : rejected;
  response.writeHead(body === ok ? 200 : 401, { "content-type": "application/json", "content-length": body.length });
  response.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on("disconnect", () => {
  server.closeAllConnections();
  server.close();
});
