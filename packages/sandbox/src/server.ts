import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** A started HTTP server that closes promptly, keep-alive connections included. */
export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts `listener` on `host:port` (port 0 = random) and tracks sockets so `close()` never hangs. */
export async function listen(
  host: string,
  port: number,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<RunningServer> {
  const server = createServer({ keepAliveTimeout: 5000 }, listener);
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("sandbox: no TCP address");
  let closing: Promise<void> | undefined;
  return {
    server,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
