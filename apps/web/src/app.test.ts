import { mapillaryProfile } from "@mly/auth-core";
import { MemoryTokenStore } from "@mly/auth-core/orchestration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebApp } from "./app.ts";
import { createWebContext } from "./web_context.ts";
import { MemorySessionStore } from "./session_store.ts";
import { CookieClient, follow, startWorld, type World } from "./_test_world.ts";

// HTTP-level tests of the flow against an auto-approving sandbox, with a hand-rolled cookie jar.
let world: World;
beforeAll(async () => {
  world = await startWorld({ autoApprove: true, redis: false });
});
afterAll(async () => {
  await world.close();
});

function client(): CookieClient {
  const c = new CookieClient();
  c.jarOrigin = world.web.url;
  return c;
}

async function signIn(c: CookieClient, returnTo: string): Promise<{ visited: string[]; response: Response; responses: Response[] }> {
  return follow(c, `${world.web.url}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: world.web.url },
    body: new URLSearchParams({ returnTo }).toString(),
  });
}

describe("sign-in over HTTP", () => {
  it("runs the code flow, rotates the session id, and lands on the return path without the code in the URL", async () => {
    const c = client();
    const { visited, response, responses } = await signIn(c, "/images");
    expect(visited[1]).toContain("/mapillary/connect?");
    expect(new URL(visited[1]!).searchParams.get("redirect_uri")).toBe(`${world.web.url}/auth/callback`);
    const callbackIndex = visited.findIndex((u) => u.includes("/auth/callback"));
    expect(callbackIndex).toBeGreaterThan(0);
    const callback = responses[callbackIndex]!;
    expect(callback.status).toBe(303);
    expect(callback.headers.get("referrer-policy")).toBe("no-referrer");
    expect(callback.headers.get("location")).toBe("/images");
    expect(visited.at(-1)).toBe(`${world.web.url}/images`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('id="images"');
    expect(body.match(/data-image-id="/g)?.length).toBe(25);
    // Two different session ids: the one of the login attempt and the one of the signed-in user.
    const ids = c.setCookieHeaders.filter((h) => h.startsWith("mly_session=") && !/max-age=0/i.test(h)).map((h) => h.split(";")[0]);
    expect(new Set(ids).size).toBe(2);
  });

  it("never redirects off-site after login: an absolute or scheme-relative returnTo becomes /", async () => {
    for (const evil of ["https://evil.example/steal", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]) {
      const c = client();
      const { responses, visited } = await signIn(c, evil);
      const callback = responses[visited.findIndex((u) => u.includes("/auth/callback"))]!;
      expect(callback.headers.get("location")).toBe("/");
    }
    const c = client();
    const { responses, visited } = await signIn(c, "/images?page=2#top");
    expect(responses[visited.findIndex((u) => u.includes("/auth/callback"))]!.headers.get("location")).toBe("/images?page=2#top");
  });

  it("a cross-site link to the callback does not sign a signed-in user out", async () => {
    const c = client();
    await signIn(c, "/images");
    const before = await c.fetch(`${world.web.url}/images`);
    expect(before.status).toBe(200);
    await before.body?.cancel();
    const drive = await c.fetch(`${world.web.url}/auth/callback?code=x&state=y`, { headers: { "sec-fetch-site": "cross-site" } });
    expect(drive.status).toBe(303);
    const after = await c.fetch(`${world.web.url}/images`);
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('id="images"');
  });

  it("refuses a callback whose state does not match, and one without a login in progress", async () => {
    const c = client();
    const start = await c.fetch(`${world.web.url}/login?returnTo=/images`);
    expect(start.status).toBe(303);
    const forged = await c.fetch(`${world.web.url}/auth/callback?code=abc&state=forged-state`);
    expect(forged.status).toBe(303);
    expect(forged.headers.get("location")).toBe("/auth/failed?reason=state");
    expect(forged.headers.get("referrer-policy")).toBe("no-referrer");
    const page = await c.fetch(`${world.web.url}/auth/failed?reason=state`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("does not belong to the sign-in started in this browser");
    // The login attempt was consumed: replaying the real callback is refused too.
    const noSession = await client().fetch(`${world.web.url}/auth/callback?code=abc&state=x`);
    expect(noSession.headers.get("location")).toBe("/auth/failed?reason=expired");
    expect(world.sandbox.log.count({ route: "/mapillary/graph/token", grantType: "authorization_code", status: 200 })).toBeGreaterThan(0);
  });

  it("refuses a cross-site POST to /login and /logout", async () => {
    const c = client();
    const login = await c.fetch(`${world.web.url}/login`, { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" }, body: "returnTo=/" });
    expect(login.status).toBe(403);
    const logout = await c.fetch(`${world.web.url}/logout`, { method: "POST", headers: { "sec-fetch-site": "cross-site" } });
    expect(logout.status).toBe(403);
  });

  it("sends the security headers on every page", async () => {
    const home = await client().fetch(`${world.web.url}/`);
    expect(home.headers.get("referrer-policy")).toBe("no-referrer");
    expect(home.headers.get("x-content-type-options")).toBe("nosniff");
    expect(home.headers.get("cache-control")).toBe("no-store");
    expect(home.headers.get("content-security-policy")).toContain(`form-action 'self' ${world.sandbox.url}`);
    expect(await home.text()).toContain("Sign in with Mapillary");
  });

  it("sends /images to sign-in when signed out, and signs out: session and tokens gone", async () => {
    const anonymous = await client().fetch(`${world.web.url}/images`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/login?returnTo=%2Fimages");
    const c = client();
    await signIn(c, "/");
    expect(await world.web.tokens.list()).not.toHaveLength(0);
    const before = (await world.web.tokens.list()).length;
    const out = await c.fetch(`${world.web.url}/logout`, { method: "POST", headers: { origin: world.web.url } });
    expect(out.headers.get("location")).toBe("/?signed_out=1");
    expect(c.cookies.has("mly_session")).toBe(false);
    expect((await world.web.tokens.list()).length).toBe(before - 1);
  });

  it("signs the user out with a clear page when Mapillary revokes the token", async () => {
    const c = client();
    const before = new Set(await world.web.tokens.list());
    await signIn(c, "/");
    const key = (await world.web.tokens.list()).find((k) => !before.has(k))!;
    const stored = await world.web.tokens.get(key);
    world.sandbox.revokeToken(stored!.tokens.accessToken.reveal());
    const images = await c.fetch(`${world.web.url}/images`);
    expect(images.status).toBe(303);
    expect(images.headers.get("location")).toBe("/auth/failed?reason=session");
    expect(await world.web.tokens.get(key)).toBeUndefined();
    expect(c.cookies.has("mly_session")).toBe(false);
  });
});

describe("images: map, pages, thumbnails", () => {
  const ids = (body: string): string[] => [...body.matchAll(/data-image-id="(\d+)"/g)].map((m) => m[1]!);

  it("pages through the user's images: page 2 continues where page 1 stopped, in the API's order", async () => {
    const c = client();
    await signIn(c, "/");
    const first = await (await c.fetch(`${world.web.url}/images`)).text();
    const second = await (await c.fetch(`${world.web.url}/images?page=2`)).text();
    expect(ids(first)).toHaveLength(25);
    expect(ids(second)).toHaveLength(25);
    expect(first).toContain('href="/images?page=2"');
    expect(second).toContain('href="/images?page=1"');
    const api = (await (
      await fetch(`${world.sandbox.endpoints.mapillary.apiBaseUrl}/images?bbox=-89.45,43.03,-89.35,43.11&fields=id&limit=50`, {
        headers: { authorization: `OAuth ${world.sandbox.credentials.mapillary.clientToken}` },
      })
    ).json()) as { data: { id: string }[] };
    expect([...ids(first), ...ids(second)]).toEqual(api.data.map((image) => image.id));
  });

  it("the map is fed by vector tiles through the client token only, from assets the app serves itself", async () => {
    const c = client();
    await signIn(c, "/");
    const body = await (await c.fetch(`${world.web.url}/images`)).text();
    const tiles = /data-tiles="([^"]+)"/.exec(body)?.[1]?.replaceAll("&amp;", "&");
    expect(tiles).toBe(`${world.sandbox.endpoints.mapillary.tilesBaseUrl}/maps/vtp/mly1_public/2/{z}/{x}/{y}?access_token=${encodeURIComponent(world.sandbox.credentials.mapillary.clientToken)}`);
    const stored = await world.web.tokens.get((await world.web.tokens.list()).at(-1)!);
    expect(body).not.toContain(stored!.tokens.accessToken.reveal());
    for (const [asset, type] of [
      ["maplibre-gl.js", "text/javascript"],
      ["maplibre-gl-csp-worker.js", "text/javascript"],
      ["maplibre-gl.css", "text/css"],
      ["map.js", "text/javascript"],
      ["app.css", "text/css"],
    ] as const) {
      expect(body.includes(`/assets/${asset}`) || asset === "maplibre-gl-csp-worker.js").toBe(true);
      const response = await fetch(`${world.web.url}/assets/${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get("content-type")).toContain(type);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    expect((await fetch(`${world.web.url}/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it("serves an image's thumbnail to its signed-in user only", async () => {
    const c = client();
    await signIn(c, "/");
    const id = ids(await (await c.fetch(`${world.web.url}/images`)).text())[0]!;
    const thumbnail = await c.fetch(`${world.web.url}/images/${id}/thumbnail`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get("content-type")).toBe("image/png");
    expect([...new Uint8Array(await thumbnail.arrayBuffer()).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    expect((await client().fetch(`${world.web.url}/images/${id}/thumbnail`)).status).toBe(303);
    expect((await c.fetch(`${world.web.url}/images/not-an-id/thumbnail`)).status).toBe(404);
  });

  it("answers an unknown path with the app's 404 page", async () => {
    const response = await client().fetch(`${world.web.url}/nowhere/<script>`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const body = await response.text();
    expect(body).toContain('id="not-found"');
    expect(body).toContain("/assets/app.css");
    expect(body).not.toContain("<script>");
  });

  it("every request's API client uses the app's one refresh coordinator", () => {
    const context = createWebContext({
      profile: mapillaryProfile(world.sandbox.endpoints.mapillary),
      client: world.sandbox.credentials.mapillary,
      baseUrl: "http://127.0.0.1:1",
      tokens: new MemoryTokenStore(),
      sessions: new MemorySessionStore(),
      bbox: [0, 0, 1, 1],
    });
    expect(context.api("mapillary:1:web-a").coordinator).toBe(context.coordinator);
    expect(context.api("mapillary:1:web-b").coordinator).toBe(context.coordinator);
  });
});

describe("cookie flags", () => {
  it("over HTTP: mly_session, HttpOnly, SameSite=Lax, Path=/, not Secure", async () => {
    const c = client();
    await c.fetch(`${world.web.url}/login?returnTo=/`);
    const header = c.setCookieHeaders.at(-1)!;
    expect(header).toMatch(/^mly_session=[A-Za-z0-9_-]{43};/);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).toMatch(/; Path=\//);
    expect(header).not.toMatch(/Secure/);
  });

  it("over HTTPS: __Host-mly_session with Secure", async () => {
    const app = createWebApp({
      profile: mapillaryProfile(world.sandbox.endpoints.mapillary),
      client: world.sandbox.credentials.mapillary,
      baseUrl: "https://photos.example.org",
      tokens: new MemoryTokenStore(),
      sessions: new MemorySessionStore(),
      bbox: [0, 0, 1, 1],
    });
    const response = await app.request("https://photos.example.org/login?returnTo=/");
    expect(response.status).toBe(303);
    const header = response.headers.getSetCookie()[0]!;
    expect(header).toMatch(/^__Host-mly_session=[A-Za-z0-9_-]{43};/);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).not.toMatch(/Domain=/i);
    expect(new URL(response.headers.get("location")!).searchParams.get("redirect_uri")).toBe("https://photos.example.org/auth/callback");
  });
});
