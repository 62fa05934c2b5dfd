// The "refresh exactly once" scenario, shared by the file store's test and @mly/storage-redis's
// (which imports this file by relative path): PROCESSES child processes × CALLERS concurrent
// callers on a token about to expire make exactly one request to a loopback token endpoint.
import { formatTokenKey, type StoredToken, type TokenStore } from "@mly/auth-core";
import { expect } from "vitest";
import { sampleTokenSet } from "@mly/auth-core/testing";
import { spawnNode } from "./_children.ts";
import { startTokenEndpoint } from "./_token_endpoint.ts";

export const PROCESSES = 4;
export const CALLERS = 250;

/** How to run the scenario on one store. */
export interface RefreshOnceOptions {
  /** The store the parent seeds and checks (the children open their own on the same backend). */
  store: TokenStore;
  /** The bundled child (see `children/_refresher.ts`). */
  script: string;
  /** The child's argv: whatever it needs to open its store, then key, endpoint, callers. */
  childArgs(key: string, endpointUrl: string, callers: number): string[];
  /** Names the store in the log line. */
  label: string;
}

/** Runs the scenario and asserts one refresh; resolves with the key and the stored entry. */
export async function expectOneRefresh(options: RefreshOnceOptions): Promise<{ key: string; stored: StoredToken | undefined }> {
  const endpoint = await startTokenEndpoint(100);
  try {
    const key = formatTokenKey({ provider: "mapillary", clientId: "1234", profile: "shared" });
    const now = Date.now();
    await options.store.set(key, sampleTokenSet("expiring", { issuedAt: now - 3_600_000, expiresAt: now + 20_000 }));
    const children = Array.from({ length: PROCESSES }, () => spawnNode(options.script, options.childArgs(key, endpoint.url, CALLERS)));
    await Promise.all(children.map((child) => child.waitFor((line) => line === "ready")));
    for (const child of children) child.process.stdin?.write("go\n");
    const reports = await Promise.all(
      children.map(async (child) => JSON.parse(await child.waitFor((line) => line.startsWith("{"), 60_000)) as { tokens: string[]; renewals: number }),
    );
    expect(endpoint.count).toBe(1);
    expect(endpoint.presented).toEqual(["rt-expiring"]);
    for (const report of reports) expect(report.tokens).toEqual(["at-refreshed-1"]);
    expect(reports.reduce((sum, report) => sum + report.renewals, 0)).toBeGreaterThanOrEqual(1);
    const stored = await options.store.get(key);
    expect(stored?.tokens.accessToken.reveal()).toBe("at-refreshed-1");
    expect(stored?.tokens.refreshToken?.reveal()).toBe("rt-refreshed-1");
    console.log(`${options.label}: ${PROCESSES * CALLERS} callers in ${PROCESSES} processes → ${endpoint.count} refresh request(s); renewals started per process: ${reports.map((r) => r.renewals).join(", ")}`);
    return { key, stored };
  } finally {
    await endpoint.close();
  }
}
