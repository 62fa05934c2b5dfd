import { inspect } from "node:util";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AbortedError, HttpRequestDescription, TransportError } from "@mly/auth-core";
import { createManualClock } from "@mly/auth-core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKyTransport } from "./ky_transport.ts";

let server: Server;
let base: string;
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.set(req.url ?? "", (hits.get(req.url ?? "") ?? 0) + 1);
    if (req.url === "/redirect") res.writeHead(302, { location: "/elsewhere" }).end();
    else if (req.url === "/error") res.writeHead(400, { "content-type": "application/json" }).end('{"error":"invalid_grant"}');
    else if (req.url === "/fail") res.writeHead(503).end();
    else if (req.url?.startsWith("/slow") === true) setTimeout(() => res.end("{}"), 2_000);
    else res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string): HttpRequestDescription => new HttpRequestDescription({ method: "POST", url: `${base}${path}`, body: "grant_type=x" });

describe("createKyTransport", () => {
  it("returns error statuses with their bodies instead of throwing", async () => {
    const response = await createKyTransport().send(post("/error"));
    expect(response.status).toBe(400);
    expect(response.body).toContain("invalid_grant");
  });

  it("never follows a redirect on a token call", async () => {
    const response = await createKyTransport().send(post("/redirect"));
    expect(response.status).toBe(302);
    expect(hits.get("/elsewhere")).toBeUndefined();
  });

  it("never retries a token POST", async () => {
    const response = await createKyTransport().send(post("/fail"));
    expect(response.status).toBe(503);
    expect(hits.get("/fail")).toBe(1);
  });

  it("times out with a TransportError and honours an AbortSignal", async () => {
    const secret = new HttpRequestDescription({ method: "POST", url: `${base}/slow`, headers: { authorization: "Basic c2VjcmV0LXZhbHVl" }, body: "x" });
    const timedOut = await createKyTransport({ timeoutMs: 100 }).send(secret).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(TransportError);
    expect(inspect(timedOut, { depth: Infinity, showHidden: true })).not.toContain("c2VjcmV0LXZhbHVl");
    const controller = new AbortController();
    setTimeout(() => { controller.abort(); }, 50);
    await expect(createKyTransport().send(post("/slow"), { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });

  it("runs its timeout on the clock it is given: a manual clock times the call out, real time does not", async () => {
    const clock = createManualClock(0);
    const sent = createKyTransport({ timeoutMs: 60_000, clock }).send(post("/slow-on-clock")).catch((e: unknown) => e);
    // Wait for the request to reach the server (real time passes; the manual clock does not).
    while ((hits.get("/slow-on-clock") ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(60_000);
    const error = await sent;
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).message).toContain("timed out after 60000 ms");
    expect(clock.pendingTimers()).toBe(0);
  });

  it("a refused connection is a TransportError", async () => {
    const error = await createKyTransport()
      .send(new HttpRequestDescription({ method: "POST", url: "http://127.0.0.1:1/token" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
  });
});
