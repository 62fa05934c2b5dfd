import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenStoreConformanceChecks } from "@mly/auth-core/testing";
import { bundleChild } from "./_bundle.ts";

const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const available = existsSync(executablePath);
if (!available) {
  console.error(`\n${"!".repeat(78)}\n!!! BROWSER TESTS SKIPPED: no Chromium at ${executablePath} (apt-get install -y chromium)\n${"!".repeat(78)}\n`);
  if (process.env["CI"] !== undefined && process.env["CI"] !== "" && process.env["CI"] !== "false") throw new Error("Chromium is required when CI is set.");
}

interface PageApi {
  run(backend: string, name: string): Promise<{ ok: boolean; error?: string }>;
  take(kind: string, key: string, waitMs: number): Promise<string>;
  release(): Promise<void>;
  increment(kind: string, key: string, workers: number): Promise<number>;
  seed(key: string): Promise<number>;
  damaged(kind: string): Promise<{ name: string; message: string; aside: number; after: string }>;
  casRace(key: string, writers: number, expectedVersion: number): Promise<{ won: number; lost: number }>;
}
declare const mly: PageApi;

let server: Server;
let browser: Browser;
let context: BrowserContext;
let origin: string;
const BACKENDS = ["localStorage", "sessionStorage", "indexedDB", "indexedDB (AES-GCM)"];

beforeAll(async () => {
  if (!available) return;
  const bundle = await bundleChild(join(import.meta.dirname, "browser", "page.ts"), join(import.meta.dirname, ".."));
  const { build } = await import("esbuild");
  await build({ entryPoints: [join(import.meta.dirname, "browser", "page.ts")], outfile: bundle.replace(/\.mjs$/, ".js"), bundle: true, platform: "browser", format: "esm", conditions: ["@mly/source"], logLevel: "error" });
  const script = await readFile(bundle.replace(/\.mjs$/, ".js"), "utf8");
  server = createServer((request, response) => {
    if (request.url === "/page.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      response.end(script);
    } else {
      response.writeHead(200, { "content-type": "text/html" });
      response.end('<!doctype html><title>loading</title><script type="module" src="/page.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  context = await browser.newContext();
}, 60_000);

afterAll(async () => {
  if (!available) return;
  await context.close();
  await browser.close();
  await new Promise((resolve) => server.close(resolve));
});

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => document.title === "ready");
  return page;
}

describe.skipIf(!available)("browser stores in Chromium", () => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage();
  });

  for (const backend of BACKENDS) {
    describe(`TokenStore conformance in the page: ${backend}`, () => {
      for (const check of tokenStoreConformanceChecks) {
        it(check.name, async () => {
          const result = await page.evaluate(([b, n]) => mly.run(b, n), [backend, check.name] as const);
          expect(result.error).toBeUndefined();
          expect(result.ok).toBe(true);
        });
      }
    });
  }

  for (const kind of ["localStorage", "indexedDB"]) {
    it(`two tabs, one Web Lock (${kind} store): the second tab waits, times out, then gets it after release`, async () => {
      const a = await openPage();
      const b = await openPage();
      const key = `cross-tab-${kind}-${Date.now()}`;
      expect(await a.evaluate(([k, key2]) => mly.take(k, key2, 1_000), [kind, key] as const)).toBe("taken");
      expect(await b.evaluate(([k, key2]) => mly.take(k, key2, 300), [kind, key] as const)).toBe("LockTimeoutError");
      const waiting = b.evaluate(([k, key2]) => mly.take(k, key2, 10_000), [kind, key] as const);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await a.evaluate(() => mly.release());
      expect(await waiting).toBe("taken");
      await b.evaluate(() => mly.release());
      await a.close();
      await b.close();
    });
  }

  it("closing the holder's tab frees the Web Lock", async () => {
    const a = await openPage();
    const b = await openPage();
    const key = `tab-close-${Date.now()}`;
    expect(await a.evaluate((key2) => mly.take("indexedDB", key2, 1_000), key)).toBe("taken");
    await a.close();
    expect(await b.evaluate((key2) => mly.take("indexedDB", key2, 5_000), key)).toBe("taken");
    await b.evaluate(() => mly.release());
    await b.close();
  });

  for (const kind of ["localStorage", "indexedDB"]) {
    it(`three tabs × 15 workers incrementing under the Web Lock (${kind} store): no lost update`, async () => {
      const tabs = await Promise.all([openPage(), openPage(), openPage()]);
      const key = `counter-${kind}-${Date.now()}`;
      const totals = await Promise.all(tabs.map((tab) => tab.evaluate(([k, key2]) => mly.increment(k, key2, 15), [kind, key] as const)));
      expect(Math.max(...totals)).toBe(45);
      for (const tab of tabs) await tab.close();
    });
  }

  for (const kind of ["localStorage", "indexedDB"]) {
    it(`a damaged stored token (${kind} store) → StorageError naming the field, the entry moved aside`, async () => {
      const result = await page.evaluate((k) => mly.damaged(k), kind);
      expect(result.name).toBe("StorageError");
      expect(result.message).toContain("is damaged (token field access_token)");
      expect(result.message).not.toContain("at-bad");
      expect(result.aside).toBe(1);
      expect(result.after).toBe("undefined");
    });
  }

  it("compare-and-set across tabs on IndexedDB: exactly one writer wins", async () => {
    const tabs = await Promise.all([openPage(), openPage()]);
    const key = `cas-${Date.now()}`;
    const version = await tabs[0].evaluate((key2) => mly.seed(key2), key);
    const results = await Promise.all(tabs.map((tab) => tab.evaluate(([key2, v]) => mly.casRace(key2, 5, v), [key, version] as const)));
    expect(results.reduce((sum, r) => sum + r.won, 0)).toBe(1);
    expect(results.reduce((sum, r) => sum + r.lost, 0)).toBe(9);
    for (const tab of tabs) await tab.close();
  });
});
