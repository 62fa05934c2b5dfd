import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTokenKey } from "@mly/auth-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileTokenStore } from "../src/file_token_store.ts";
import { sampleTokenSet } from "../src/conformance_checks.ts";
import { bundleChild } from "./_bundle.ts";
import { spawnNode } from "./_children.ts";
import { startTokenEndpoint, type TokenEndpoint } from "./_token_endpoint.ts";

const PROCESSES = 4;
const CALLERS = 250;
let script: string;
let directory: string;
let endpoint: TokenEndpoint;
beforeAll(async () => {
  script = await bundleChild(join(import.meta.dirname, "children", "refresher.ts"), join(import.meta.dirname, ".."));
  directory = await mkdtemp(join(tmpdir(), "mly-refresh-once-"));
  endpoint = await startTokenEndpoint(100);
});
afterAll(async () => {
  await endpoint.close();
  await rm(directory, { recursive: true, force: true });
});

describe("one refresh across processes (FileTokenStore)", () => {
  it(`${PROCESSES} processes × ${CALLERS} concurrent callers on a token about to expire → exactly one refresh request`, async () => {
    const key = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "shared" });
    const store = new FileTokenStore({ directory });
    const now = Date.now();
    await store.set(key, sampleTokenSet("expiring", { issuedAt: now - 3_600_000, expiresAt: now + 20_000 }));
    const children = Array.from({ length: PROCESSES }, () => spawnNode(script, [directory, key, endpoint.url, String(CALLERS)]));
    await Promise.all(children.map((child) => child.waitFor((line) => line === "ready")));
    for (const child of children) child.process.stdin?.write("go\n");
    const reports = await Promise.all(
      children.map(async (child) => JSON.parse(await child.waitFor((line) => line.startsWith("{"), 60_000)) as { tokens: string[]; renewals: number }),
    );
    expect(endpoint.count).toBe(1);
    expect(endpoint.presented).toEqual(["rt-expiring"]);
    for (const report of reports) expect(report.tokens).toEqual(["at-refreshed-1"]);
    expect(reports.reduce((sum, report) => sum + report.renewals, 0)).toBeGreaterThanOrEqual(1);
    const stored = await store.get(key);
    expect(stored?.tokens.accessToken.reveal()).toBe("at-refreshed-1");
    expect(stored?.tokens.refreshToken?.reveal()).toBe("rt-refreshed-1");
    console.log(`file store: ${PROCESSES * CALLERS} callers in ${PROCESSES} processes → ${endpoint.count} refresh request(s); renewals started per process: ${reports.map((r) => r.renewals).join(", ")}`);
  });
});
