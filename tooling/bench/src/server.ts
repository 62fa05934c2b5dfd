/**
 * The loopback API the request bench talks to, run in a child process of the bench
 * (`fork("server.ts")`; the server itself is `_api_server.ts`). Tells the parent its port with
 * `{ port }` over IPC, and exits when the parent disconnects.
 */
import type { AddressInfo } from "node:net";
import { createApiServer } from "./_api_server.ts";

const server = createApiServer(process.env["BENCH_TOKEN"] ?? "");
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on("disconnect", () => {
  server.closeAllConnections();
  server.close();
});
