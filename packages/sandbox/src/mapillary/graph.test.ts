import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { get, testClock, v4Code, v4Token } from "../_test_helpers.ts";
import type { TestClock } from "../_test_helpers.ts";
import { startSandbox } from "../sandbox.ts";
import type { Sandbox } from "../sandbox.ts";

let sb: Sandbox;
let clock: TestClock;
beforeEach(async () => {
  clock = testClock();
  sb = await startSandbox({ now: clock.now, datasetSize: 3000 });
});
afterEach(() => sb.close());

const api = (path: string): string => `${sb.endpoints.mapillary.apiBaseUrl}${path}`;
const client = (): Record<string, string> => ({ authorization: `OAuth ${sb.credentials.mapillary.clientToken}` });
interface Page {
  data: { id: string; geometry?: { coordinates: [number, number] }; captured_at?: number; sequence?: string }[];
  paging?: { cursors: { before: string; after: string }; next?: string };
}

describe("v4 graph authentication", () => {
  it("GET /me answers for a user token in the OAuth header", async () => {
    const { access_token } = await v4Token(sb, await v4Code(sb));
    const res = await get(api("/me?fields=id,username"), { authorization: `OAuth ${access_token}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "102030405060708", username: "sandbox-user" });
    expect(sb.log.last({ route: "/mapillary/graph/me" })).toMatchObject({ credential: "user-token", credentialLocation: "header", status: 200 });
  });

  it("accepts the client token in the URL and records where it came from", async () => {
    const url = api(`/images?bbox=-89.45,43.03,-89.35,43.11&limit=1&access_token=${encodeURIComponent(sb.credentials.mapillary.clientToken)}`);
    expect((await get(url)).status).toBe(200);
    expect(sb.log.last()).toMatchObject({ credential: "client-token", credentialLocation: "url", route: "/mapillary/graph/images" });
    expect(sb.log.count({ credentialLocation: "url" })).toBe(1);
  });

  it("answers 190 / 401 for missing, unknown, Bearer-scheme, expired and revoked tokens", async () => {
    sb.settings.mapillaryTokenLifetimeSeconds = 10;
    const { access_token } = await v4Token(sb, await v4Code(sb));
    const codeOf = async (res: Response): Promise<[number, number]> => [res.status, ((await res.json()) as { error: { code: number } }).error.code];
    expect(await codeOf(await get(api("/me")))).toEqual([401, 190]);
    expect(await codeOf(await get(api("/me"), { authorization: "OAuth nope" }))).toEqual([401, 190]);
    expect(await codeOf(await get(api("/me"), { authorization: `Bearer ${access_token}` }))).toEqual([401, 190]);
    expect((await get(api("/me"), { authorization: `OAuth ${access_token}` })).status).toBe(200);
    clock.advance(10_000);
    const expired = await get(api("/me"), { authorization: `OAuth ${access_token}` });
    expect(await expired.json()).toMatchObject({ error: { code: 190, error_subcode: 463, type: "OAuthException" } });
    const fresh = await v4Token(sb, await v4Code(sb));
    sb.revokeToken(fresh.access_token);
    expect(await codeOf(await get(api("/me"), { authorization: `OAuth ${fresh.access_token}` }))).toEqual([401, 190]);
  });

  it("GET /me with the client token is a bad request (code 100)", async () => {
    const res = await get(api("/me"), client());
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 100 } });
  });
});

describe("v4 GET /images paging", () => {
  const bbox = "-89.45,43.03,-89.35,43.11";

  async function allPages(first: string): Promise<Page[]> {
    const pages: Page[] = [];
    let url: string | undefined = first;
    while (url !== undefined) {
      const res = await get(url, client());
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      pages.push(page);
      url = page.paging?.next;
      expect(pages.length).toBeLessThan(100);
    }
    return pages;
  }

  it("pages the whole box with cursors: no duplicates, every image once, ends without next", async () => {
    const pages = await allPages(api(`/images?bbox=${bbox}&fields=id,captured_at,geometry,sequence&limit=700`));
    expect(pages.map((p) => p.data.length)).toEqual([700, 700, 700, 700, 200]);
    const ids = pages.flatMap((p) => p.data.map((d) => d.id));
    expect(new Set(ids).size).toBe(3000);
    expect(pages.at(-1)?.paging?.next).toBeUndefined();
    expect(pages[0]?.paging?.cursors.after).toBeTruthy();
    expect(Object.keys(pages[0]?.data[0] ?? {})).toEqual(["id", "captured_at", "geometry", "sequence"]);
  });

  it("is deterministic: the same query gives the same pages, across sandboxes with the same seed", async () => {
    const q = api(`/images?bbox=-89.42,43.05,-89.38,43.09&fields=id,compass_angle&limit=50`);
    const a = await allPages(q);
    const b = await allPages(q);
    expect(b).toEqual(a);
    const other = await startSandbox({ datasetSize: 3000 });
    try {
      const res = await get(`${other.endpoints.mapillary.apiBaseUrl}/images?bbox=-89.42,43.05,-89.38,43.09&fields=id,compass_angle&limit=50`, {
        authorization: `OAuth ${other.credentials.mapillary.clientToken}`,
      });
      expect(((await res.json()) as Page).data).toEqual(a[0]?.data);
    } finally {
      await other.close();
    }
    const inside = a.flatMap((p) => p.data).length;
    expect(inside).toBeGreaterThan(0);
    expect(inside).toBeLessThan(3000);
  });

  it("filters by bbox and keeps the caller's parameters in paging.next", async () => {
    const res = await get(api(`/images?bbox=-89.42,43.05,-89.38,43.09&fields=geometry&limit=10`), client());
    const page = (await res.json()) as Page;
    for (const img of page.data) {
      const [lon, lat] = img.geometry?.coordinates ?? [0, 0];
      expect(lon >= -89.42 && lon <= -89.38 && lat >= 43.05 && lat <= 43.09).toBe(true);
    }
    const next = new URL(page.paging?.next ?? "");
    expect(next.searchParams.get("fields")).toBe("geometry");
    expect(next.searchParams.get("limit")).toBe("10");
    expect(next.searchParams.has("access_token")).toBe(false);
  });

  it("answers an empty box with data: [] and no paging", async () => {
    const res = await get(api(`/images?bbox=10,10,10.1,10.1`), client());
    expect(await res.json()).toEqual({ data: [] });
  });

  it("answers code 100 for a bad bbox, limit, cursor or field", async () => {
    for (const q of ["", "bbox=1,2,3", "bbox=3,2,1,4", `bbox=${bbox}&limit=0`, `bbox=${bbox}&limit=2001`, `bbox=${bbox}&after=zzz`, `bbox=${bbox}&fields=id,nope`]) {
      const res = await get(api(`/images?${q}`), client());
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: number; type: string } }).error).toMatchObject({ code: 100, type: "MLYApiException" });
    }
  });
});

describe("v4 GET /{image_id}", () => {
  it("returns the selected fields of one image, code 100 for unknown ids", async () => {
    const list = (await (await get(api(`/images?bbox=-89.45,43.03,-89.35,43.11&limit=1&fields=id,sequence`), client())).json()) as Page;
    const first = list.data[0];
    const res = await get(api(`/${first?.id ?? ""}?fields=id,sequence,is_pano`), client());
    expect(await res.json()).toEqual({ id: first?.id, sequence: first?.sequence, is_pano: expect.any(Boolean) as unknown });
    expect(sb.log.last()?.route).toBe("/mapillary/graph/{image_id}");
    const missing = await get(api("/1"), client());
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 100, error_subcode: 33 } });
  });
});

describe("v4 per-app budget", () => {
  it("answers 403 code 4 past the budget, with x-app-usage on every response", async () => {
    sb.settings.mapillaryAppBudget = { limit: 4, windowMs: 60_000 };
    const usage = async (res: Response): Promise<unknown> => JSON.parse(res.headers.get("x-app-usage") ?? "null");
    const seen: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await get(api("/images?bbox=10,10,10.1,10.1"), client());
      expect(res.status).toBe(200);
      seen.push(await usage(res));
    }
    expect(seen).toEqual([25, 50, 75, 100].map((p) => ({ call_count: p, total_cputime: 0, total_time: 0 })));
    const over = await get(api("/images?bbox=10,10,10.1,10.1"), client());
    expect(over.status).toBe(403);
    expect(await usage(over)).toEqual({ call_count: 100, total_cputime: 0, total_time: 0 });
    expect(await over.json()).toEqual({
      error: { message: "Application request limit reached", type: "MLYApiException", is_transient: true, code: 4, fbtrace_id: expect.any(String) as unknown },
    });
    expect((await get(api("/me"))).headers.get("x-app-usage")).not.toBeNull();
    clock.advance(60_000);
    expect((await get(api("/images?bbox=10,10,10.1,10.1"), client())).status).toBe(200);
  });
});
