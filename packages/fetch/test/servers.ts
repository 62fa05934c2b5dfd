// Hostile loopback servers for the tests: a body that trickles for ever, a body that never ends,
// a redirect to another origin. Each records what it saw, and stops every timer on close.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestServer {
  url: string;
  /** Requests received. */
  requests: number;
  /** Responses the client stopped reading before the server finished them. */
  abandoned: number;
  /** Bytes of body written so far. */
  bytesSent: number;
  close(): Promise<void>;
}

/** Starts a loopback server with `handler`; `state` counts what happened. */
export async function startServer(handler: (req: IncomingMessage, res: ServerResponse, state: TestServer) => void): Promise<TestServer> {
  const state: TestServer = { url: "", requests: 0, abandoned: 0, bytesSent: 0, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    state.requests++;
    res.on("close", () => {
      if (!res.writableFinished) state.abandoned++;
    });
    handler(req, res, state);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return state;
}

/** Sends 200 + JSON headers at once, then one byte of body every `everyMs` ms, for ever (until the client goes). */
export function trickleServer(everyMs = 200): Promise<TestServer> {
  return startServer((req, res, state) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.flushHeaders();
    const timer = setInterval(() => {
      state.bytesSent++;
      res.write(" ");
    }, everyMs);
    res.on("close", () => {
      clearInterval(timer);
    });
  });
}

/** Streams a body of `totalBytes` (64 KiB chunks, paced by the client's reading) with `status`. */
export function hugeBodyServer(status: number, totalBytes: number, headers: Record<string, string> = {}): Promise<TestServer> {
  return startServer((req, res, state) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < totalBytes && !res.destroyed) {
        sent += chunk.length;
        state.bytesSent += chunk.length;
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  });
}
