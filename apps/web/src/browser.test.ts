import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RedisTokenStore } from "@mly/storage-redis";
import { Redis } from "ioredis";
import { chromium, type Browser, type Response as PwResponse } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDIS_URL, startWorld, type World } from "./_test_world.ts";

// End to end in real Chromium (Debian's package, driven by playwright-core; no browser is
// downloaded): the sandbox's consent page is NOT auto-approved, the test clicks it.
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
/** Where the map test keeps its screenshot (gitignored). */
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = (process.env["CI"] ?? "") !== "" && process.env["CI"] !== "false";
if (!HAVE_CHROMIUM) {
  console.warn(
    `\n${"!".repeat(78)}\n!! BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM}.\n!! Install it: apt-get update && apt-get install -y chromium  (or set CHROMIUM_PATH)\n${"!".repeat(78)}\n`,
  );
}

describe.runIf(!HAVE_CHROMIUM && IN_CI)("Chromium in CI", () => {
  it("is installed (the browser tests must run in CI)", () => {
    expect.fail(`No Chromium at ${CHROMIUM}; CI must install Debian's chromium package.`);
  });
});

describe.skipIf(!HAVE_CHROMIUM)("sign in with Mapillary in Chromium", () => {
  let world: World;
  let browser: Browser;
  beforeAll(async () => {
    world = await startWorld({ autoApprove: false, redis: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  });
  afterAll(async () => {
    await browser.close();
    await world.close();
  });

  it("clicks Sign in, approves on the consent page, and sees the list of images", async () => {
    expect(world.web.storage).toBe("redis");
    const context = await browser.newContext();
    const page = await context.newPage();
    const callbacks: PwResponse[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname === "/auth/callback") callbacks.push(response);
    });
    await page.goto(world.web.url);
    await page.click("#sign-in");
    await page.waitForURL((url) => url.href.startsWith(`${world.sandbox.url}/mapillary/connect`));
    expect(await page.locator("#approve").isVisible()).toBe(true);
    await page.click("#approve");
    await page.waitForURL(`${world.web.url}/images`);
    // The list: 25 rows, the sandbox user's images, the same ids the API gives for the area.
    const ids = await page.locator("#images tbody tr").evaluateAll((rows: Element[]) => rows.map((row) => row.getAttribute("data-image-id")));
    expect(ids).toHaveLength(25);
    const first = (await (
      await fetch(`${world.sandbox.endpoints.mapillary.apiBaseUrl}/images?bbox=-89.45,43.03,-89.35,43.11&fields=id&limit=25`, {
        headers: { authorization: `OAuth ${world.sandbox.credentials.mapillary.clientToken}` },
      })
    ).json()) as { data: { id: string }[] };
    expect(ids).toEqual(first.data.map((image) => image.id));
    expect(await page.locator("h2").textContent()).toContain("sandbox-user");
    // The callback answered with no-referrer and a redirect, so the code left the address bar.
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]!.status()).toBe(303);
    expect(callbacks[0]!.headers()["referrer-policy"]).toBe("no-referrer");
    expect(page.url()).toBe(`${world.web.url}/images`);
    // The session cookie as the browser stored it.
    const cookies = (await context.cookies(world.web.url)).filter((cookie) => cookie.name === "mly_session");
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });
    expect(cookies[0]!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // JavaScript cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain("mly_session");
    // The token is in Redis, under this app's prefix.
    const keys = await world.web.tokens.list(`mapillary:${world.sandbox.credentials.mapillary.clientId}:`);
    expect(keys).toHaveLength(1);
    const store = world.web.tokens;
    if (!(store instanceof RedisTokenStore)) throw new Error("with REDIS_URL the web app must keep tokens in a RedisTokenStore");
    const redis = new Redis(REDIS_URL);
    const redisKey = store.tokenKeyOf(keys[0]!);
    expect(redisKey.startsWith(world.prefix)).toBe(true);
    expect(await redis.exists(redisKey)).toBe(1);
    expect(await redis.pttl(redisKey)).toBeGreaterThan(0); // the entry expires with the token
    expect(world.sandbox.log.count({ route: "/mapillary/graph/token", grantType: "authorization_code", status: 200, credentialLocation: "header" })).toBe(1);
    // Sign out: back home, cookie and token gone.
    await page.click("#sign-out");
    await page.waitForURL(`${world.web.url}/?signed_out=1`);
    expect(await page.locator("#notice").textContent()).toContain("You are signed out.");
    expect((await context.cookies(world.web.url)).filter((cookie) => cookie.name === "mly_session")).toHaveLength(0);
    expect(await world.web.tokens.list(`mapillary:${world.sandbox.credentials.mapillary.clientId}:`)).toHaveLength(0);
    expect(await redis.exists(redisKey)).toBe(0);
    await redis.quit();
    await context.close();
  });

  it("shows the user's images on a map from the sandbox's vector tiles; a click shows the thumbnail", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const refusals: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refusals.push(message.text());
    });
    page.on("pageerror", (error) => refusals.push(error.message));
    await page.goto(world.web.url);
    await page.click("#sign-in");
    await page.waitForURL((url) => url.href.startsWith(`${world.sandbox.url}/mapillary/connect`));
    await page.click("#approve");
    await page.waitForURL(`${world.web.url}/images`);
    await page.waitForSelector('#map[data-state="idle"]', { timeout: 60_000 });
    // Features MapLibre actually drew from the decoded tiles: the user's images around the center.
    const drawn = await page.evaluate(() => {
      const map = (window as unknown as { mlyMap: { queryRenderedFeatures(o: object): { properties: Record<string, unknown>; geometry: { coordinates: [number, number] } }[]; project(c: [number, number]): { x: number; y: number } } }).mlyMap;
      const features = map.queryRenderedFeatures({ layers: ["images"] });
      const first = features[0];
      return { count: features.length, id: first === undefined ? undefined : String(first.properties["id"]), point: first === undefined ? undefined : map.project(first.geometry.coordinates) };
    });
    expect(drawn.count).toBeGreaterThan(0);
    expect(world.sandbox.log.count({ route: "/mapillary/tiles/maps/vtp/{layer}/2/{z}/{x}/{y}", credential: "client-token", credentialLocation: "url", status: 200 })).toBeGreaterThan(0);
    expect(world.sandbox.log.count((entry) => (entry.route ?? "").startsWith("/mapillary/tiles") && entry.credential === "user-token")).toBe(0);
    // Click that image on the map: its thumbnail appears beside it.
    const box = (await page.locator("#map").boundingBox())!;
    await page.mouse.click(box.x + drawn.point!.x, box.y + drawn.point!.y);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>("#thumbnail img");
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    expect(await page.locator("#thumbnail").getAttribute("data-image-id")).toBe(drawn.id);
    expect(await page.locator("#thumbnail img").evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(256);
    expect(await page.locator("#thumbnail-caption").textContent()).toContain(drawn.id!);
    // The next page of the list.
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "map-page.png"), fullPage: true });
    await page.click("#next-page");
    await page.waitForURL(`${world.web.url}/images?page=2`);
    expect(await page.locator("#images tbody tr").count()).toBe(25);
    expect(refusals).toEqual([]);
    await context.close();
  });

  it("clicks Deny on the consent page and sees a clear message, signed out", async () => {
    const exchangesBefore = world.sandbox.log.count({ route: "/mapillary/graph/token" });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(world.web.url);
    await page.click("#sign-in");
    await page.waitForURL((url) => url.href.startsWith(`${world.sandbox.url}/mapillary/connect`));
    await page.click("#deny");
    await page.waitForURL(`${world.web.url}/auth/failed?reason=denied&detail=user_denied`);
    expect(await page.locator("#failure-title").textContent()).toBe("Sign-in cancelled");
    expect(await page.locator("#failure").textContent()).toContain("You declined to give this app access");
    expect(await page.locator("#failure-detail").textContent()).toBe("user_denied");
    expect((await context.cookies(world.web.url)).filter((cookie) => cookie.name === "mly_session")).toHaveLength(0);
    expect(world.sandbox.log.count({ route: "/mapillary/graph/token" })).toBe(exchangesBefore);
    await context.close();
  });

  it("refuses a callback whose state does not match with a clear message", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(world.web.url);
    await page.click("#sign-in");
    await page.waitForURL((url) => url.href.startsWith(`${world.sandbox.url}/mapillary/connect`));
    // Instead of answering the consent page, arrive at the callback with someone else's state.
    const response = await page.goto(`${world.web.url}/auth/callback?code=stolen-code&state=someone-elses-state`);
    expect(page.url()).toBe(`${world.web.url}/auth/failed?reason=state`);
    expect(response?.status()).toBe(400);
    expect(await page.locator("#failure").textContent()).toContain("does not belong to the sign-in started in this browser");
    await context.close();
  });
});
