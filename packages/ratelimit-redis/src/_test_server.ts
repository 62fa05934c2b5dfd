import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { shapeCounter, type ServerShape } from "../../ratelimit/src/_test_shapes.ts";

/** A loopback HTTP server that counts every request with one server shape and answers 200 or 429. */
export interface ShapeServer {
  readonly url: string;
  /** Accepted requests, with their arrival times. */
  readonly accepted: number[];
  /** Rejected requests (429). */
  rejected: number;
  close(): Promise<void>;
}

/** Starts a {@link ShapeServer} counting `limit` per `windowMs` with `shape`. */
export async function startShapeServer(shape: ServerShape, limit: number, windowMs: number): Promise<ShapeServer> {
  const counter = shapeCounter(shape, limit, windowMs);
  const state: ShapeServer = {
    url: "",
    accepted: [],
    rejected: 0,
    close: () => new Promise<void>((resolve) => server.close(() => { resolve(); })),
  };
  const server = createServer((request, response) => {
    const now = Date.now();
    request.resume();
    if (counter.hit(now)) {
      state.accepted.push(now);
      response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    } else {
      state.rejected += 1;
      response.writeHead(429, { "retry-after": "1", "content-type": "application/json" }).end('{"statusCode":429,"message":"Rate limit is exceeded. Try again in 1 seconds."}');
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  (state as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/buildings`;
  return state;
}
