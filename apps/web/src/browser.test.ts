import { existsSync } from "node:fs";
import { RedisTokenStore } from "@mly/storage-redis";
import { Redis } from "ioredis";
import { chromium, type Browser, type Response as PwResponse } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDIS_URL, startWorld, type World } from "./_test_world.ts";

// End to end in real Chromium (Debian's package, driven by playwright-core; no browser is
// downloaded): the sandbox's consent page is NOT auto-approved, the test clicks it.
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
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
