// Items 1 and 3 of issue 11 for API calls: bodies are inspected through a bounded read, a redirect
// to another origin is never followed, and a token that is no valid header value never reaches
// an untyped error.
import { inspect } from "node:util";
import { HttpError, LoginRequiredError, mapiqProfile, Secret } from "@mly/auth-core";
import { afterEach, describe, expect, it } from "vitest";
import { hugeBodyServer, startServer, type TestServer } from "../test/servers.ts";
import { createAuthFetch } from "./auth_fetch.ts";
import { clientTokenSource } from "./token_source.ts";

const TOKEN = "app-token-0123456789";
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

function apiOn(server: TestServer, token = TOKEN): (input: string, init?: RequestInit) => Promise<Response> {
  const profile = mapiqProfile({ apiBaseUrl: `${server.url}/api`, tokenEndpoint: `${server.url}/token` });
  return createAuthFetch({ profile, tokens: clientTokenSource(new Secret(token), "mapiq"), limiter: false });
}

describe("API calls never follow a redirect to another origin", () => {
  it("a redirect to a second loopback server (another port) is an HttpError naming the status and that origin", async () => {
    const other = await startServer((req, res) => res.end("from the other origin"));
    const api = await startServer((req, res) => res.writeHead(302, { location: `${other.url}/elsewhere` }).end());
    servers.push(other, api);
    const error = await apiOn(api)(`${api.url}/api/v2/buildings`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(302);
    expect((error as Error).message).toContain("HTTP 302 redirect to");
    expect((error as Error).message).toContain(other.url);
    expect(other.requests).toBe(0);
    expect(inspect(error, { showHidden: true, depth: Infinity })).not.toContain(TOKEN);
  });

  it("a redirect within the same origin is followed, with the credential placed again", async () => {
    const seen: (string | undefined)[] = [];
    const api = await startServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === "/api/v2/old") res.writeHead(301, { location: "/api/v2/buildings" }).end();
      else res.writeHead(200, { "content-type": "application/json" }).end('{"items":[1]}');
    });
    servers.push(api);
    const response = await apiOn(api)(`${api.url}/api/v2/old`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [1] });
    expect(seen).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });
});

describe("API response bodies are inspected through a bounded read", () => {
  it("a 403 with an endless body is returned after reading a few KiB, and the caller can hang up", async () => {
    const api = await hugeBodyServer(403, Infinity);
    servers.push(api);
    const response = await apiOn(api)(`${api.url}/api/v2/buildings`);
    expect(response.status).toBe(403);
    await response.body?.cancel();
    await expect.poll(() => api.abandoned).toBe(1);
    expect(api.bytesSent).toBeLessThan(64 * 1024 * 1024);
  });

  it("a 401 with an endless body is still seen as a rejected token", async () => {
    const api = await hugeBodyServer(401, Infinity);
    servers.push(api);
    expect(await apiOn(api)(`${api.url}/api/v2/buildings`).catch((e: unknown) => e)).toBeInstanceOf(LoginRequiredError);
    await expect.poll(() => api.abandoned).toBe(1);
  });
});

describe("no credential header is set where an untyped error could quote it", () => {
  it("a token with CR/LF is a LoginRequiredError that never quotes it, and nothing is sent", async () => {
    const api = await startServer((req, res) => res.end("{}"));
    servers.push(api);
    for (const bad of ["evil\r\nx-injected: 1", "nul\u0000token", "line\nfeed", "euro\u20actoken", "bell\u0007token", "c1\u0085token"]) {
      // Without headers of the caller's (a plain record is sent) and with them (a copy of them is).
      for (const init of [undefined, { headers: { accept: "application/json" } }]) {
        const error = await apiOn(api, bad)(`${api.url}/api/v2/buildings`, init).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LoginRequiredError);
        const printed = [(error as Error).message, (error as Error).stack, JSON.stringify(error), inspect(error, { showHidden: true, depth: Infinity })].join("\n");
        expect(printed).not.toContain(bad.slice(0, 4));
      }
    }
    expect(api.requests).toBe(0);
  });
});
