// What createAuthFetch sends for each form of call (a URL with or without init, a Request), and
// how a call ends: the caller's signal aborts it on the wire and while its body is read, the
// timeout bounds each attempt on the wire, and the caller's headers never receive the token.
import { mapiqProfile, Secret, TransportError } from "@mly/auth-core";
import { afterEach, describe, expect, it } from "vitest";
import { startServer, trickleServer, type TestServer } from "../test/servers.ts";
import { createAuthFetch } from "./auth_fetch.ts";
import { clientTokenSource } from "./token_source.ts";

const TOKEN = "app-token-0123456789";
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

type AuthFetch = ReturnType<typeof createAuthFetch>;

/** Rate limiting off: Mapiq's even spacing would only slow these tests down. */
function apiOn(server: TestServer, options: { timeoutMs?: number } = {}): AuthFetch {
  const profile = mapiqProfile({ apiBaseUrl: `${server.url}/api`, tokenEndpoint: `${server.url}/token` });
  return createAuthFetch({ profile, tokens: clientTokenSource(new Secret(TOKEN), "mapiq"), limiter: false, ...options });
}

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  trace: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** A server that records each request (method, URL, a few headers, body) and answers 200, or 307 for `/api/v2/moved`. */
async function recordingServer(): Promise<{ server: TestServer; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = await startServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const header = (name: string): string | undefined => req.headers[name] as string | undefined;
      seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: header("authorization"), trace: header("x-trace"), contentType: header("content-type"), body });
      if (req.url === "/api/v2/moved") res.writeHead(307, { location: "/api/v2/buildings" }).end();
      else res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  servers.push(server);
  return { server, seen };
}

describe("what is sent", () => {
  it("a URL with a method and headers: the method as fetch normalizes it, the caller's headers plus the credential, on a copy", async () => {
    const { server, seen } = await recordingServer();
    const headers = new Headers({ "x-trace": "t-1" });
    const response = await apiOn(server)(`${server.url}/api/v2/buildings?page=2`, { method: "delete", headers });
    expect(response.status).toBe(200);
    expect(seen).toEqual([{ method: "DELETE", url: "/api/v2/buildings?page=2", authorization: `Bearer ${TOKEN}`, trace: "t-1", contentType: undefined, body: "" }]);
    expect([...headers.keys()]).toEqual(["x-trace"]);
  });

  it("a URL object, and a Request, are sent alike; the caller's Request never receives the token", async () => {
    const { server, seen } = await recordingServer();
    const api = apiOn(server);
    await api(new URL(`${server.url}/api/v2/buildings`));
    const request = new Request(`${server.url}/api/v2/buildings`, { headers: { "x-trace": "t-2" } });
    await api(request);
    expect(seen.map((s) => [s.method, s.url, s.authorization, s.trace])).toEqual([
      ["GET", "/api/v2/buildings", `Bearer ${TOKEN}`, undefined],
      ["GET", "/api/v2/buildings", `Bearer ${TOKEN}`, "t-2"],
    ]);
    expect(request.headers.has("authorization")).toBe(false);
  });

  it("a POST body is sent with its content type, and sent again after a same-origin 307", async () => {
    const { server, seen } = await recordingServer();
    const response = await apiOn(server)(`${server.url}/api/v2/moved`, { method: "POST", body: new URLSearchParams({ name: "HQ" }) });
    expect(response.status).toBe(200);
    expect(seen.map((s) => [s.method, s.url, s.contentType, s.body])).toEqual([
      ["POST", "/api/v2/moved", "application/x-www-form-urlencoded;charset=UTF-8", "name=HQ"],
      ["POST", "/api/v2/buildings", "application/x-www-form-urlencoded;charset=UTF-8", "name=HQ"],
    ]);
  });
});

describe("how a call ends", () => {
  it("the caller's signal aborts the body after the response was returned: a URL call with a signal, and a Request", async () => {
    const server = await trickleServer(50);
    servers.push(server);
    const api = apiOn(server);
    const url = `${server.url}/api/v2/buildings`;
    const withInit = new AbortController();
    const withRequest = new AbortController();
    const responses = [await api(url, { signal: withInit.signal }), await api(new Request(url, { signal: withRequest.signal }))];
    withInit.abort();
    withRequest.abort();
    for (const response of responses) await expect(response.text()).rejects.toThrow();
    await expect.poll(() => server.abandoned).toBe(2);
  });

  it("an abort of the caller's signal in flight rejects with the caller's reason, not a timeout", async () => {
    const server = await startServer(() => undefined);
    servers.push(server);
    const controller = new AbortController();
    const reason = new Error("the caller stopped");
    const call = apiOn(server)(`${server.url}/api/v2/buildings`, { signal: controller.signal });
    await expect.poll(() => server.requests).toBe(1);
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    await expect.poll(() => server.abandoned).toBe(1);
  });

  it("an attempt slower than timeoutMs on the wire is a TransportError naming the URL without its query, and the request is abandoned", async () => {
    const server = await startServer(() => undefined);
    servers.push(server);
    const error = await apiOn(server, { timeoutMs: 200 })(`${server.url}/api/v2/buildings?secret-ish=1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toBe(`GET ${server.url}/api/v2/buildings timed out after 200 ms`);
    await expect.poll(() => server.abandoned).toBe(1);
  });
});
