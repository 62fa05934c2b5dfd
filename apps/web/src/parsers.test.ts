import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBbox, parseWebConfig } from "./config.ts";
import { errorPage, imagesPage, loginFailedPage, notFoundPage } from "./pages.ts";
import { safeReturnTo } from "./return_to.ts";
import { isSessionId, newSessionId, parseSession, serializeSession, type WebSession } from "./session.ts";

describe("safeReturnTo", () => {
  it("keeps same-origin paths and drops everything that could leave the origin", () => {
    expect(safeReturnTo("/images?x=1#a")).toBe("/images?x=1#a");
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil", "/\t/evil.example", "javascript:alert(1)", "", "images", undefined, null, "/.//evil.example", "/a/..//evil.example", "/%2e%2e//evil.example", "/./%2e//evil.example"]) {
      expect(safeReturnTo(bad)).toBe("/");
    }
  });

  it("property: whatever the input, the result resolves to the same origin and is a path", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.webPath(), fc.string().map((s) => `/${s}`), fc.string().map((s) => `//${s}`)), (input) => {
        const out = safeReturnTo(input);
        const base = "https://app.example";
        expect(out.startsWith("/")).toBe(true);
        expect(out.startsWith("//")).toBe(false);
        expect(new URL(out, base).origin).toBe(base);
        // Browsers turn backslashes into slashes: the result must stay same-origin after that too.
        expect(new URL(out.replace(/\\/g, "/"), base).origin).toBe(base);
      }),
    );
  });
});

describe("sessions", () => {
  it("ids are 256-bit base64url and checked before any lookup", () => {
    const id = newSessionId();
    expect(isSessionId(id)).toBe(true);
    expect(newSessionId()).not.toBe(id);
    expect(isSessionId("a".repeat(42))).toBe(false);
    expect(isSessionId(`${"a".repeat(42)}/`)).toBe(false);
  });

  const arbSession: fc.Arbitrary<WebSession> = fc.oneof(
    fc.record({ kind: fc.constant("login" as const), pending: fc.string(), returnTo: fc.string(), createdAt: fc.integer() }),
    fc.record({
      kind: fc.constant("user" as const),
      userId: fc.string(),
      username: fc.option(fc.string(), { nil: undefined }),
      tokenKey: fc.string(),
      createdAt: fc.integer(),
    }),
  );

  it("property: parseSession(serializeSession(s)) equals s", () => {
    fc.assert(
      fc.property(arbSession, (session) => {
        expect(parseSession(serializeSession(session))).toEqual(session);
      }),
    );
  });

  it("property: parseSession never throws, and returns a well-formed session or undefined", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), arbSession.map((s) => JSON.stringify({ ...s, v: 1, kind: "other" }))), (text) => {
        const session = parseSession(text);
        if (session !== undefined) expect(["login", "user"]).toContain(session.kind);
      }),
    );
    expect(parseSession(JSON.stringify({ v: 1, kind: "user", userId: 1, tokenKey: "k", createdAt: 0 }))).toBeUndefined();
  });
});

describe("config", () => {
  it("reads flags and the environment; REDIS_URL selects Redis, --memory overrides it", () => {
    const config = parseWebConfig(["--sandbox", "--port", "0"], { REDIS_URL: "redis://127.0.0.1:6379" });
    expect(config).toMatchObject({ sandbox: true, port: 0, host: "127.0.0.1", redisUrl: "redis://127.0.0.1:6379", bbox: undefined });
    expect(parseWebConfig(["--memory"], { REDIS_URL: "redis://x" }).redisUrl).toBeUndefined();
    expect(parseWebConfig([], {}).redisUrl).toBeUndefined();
    expect(parseWebConfig([], { MLY_WEB_SANDBOX: "1", MLY_WEB_BBOX: "1,2,3,4" })).toMatchObject({ sandbox: true, bbox: [1, 2, 3, 4] });
    expect(() => parseWebConfig(["--port", "http"], {})).toThrow(/--port/);
    expect(() => parseWebConfig(["--nope"], {})).toThrow();
  });

  it("accepts the leading `--` that `pnpm --filter @mly/web start -- --sandbox` passes on", () => {
    expect(parseWebConfig(["--", "--sandbox", "--port", "0"], {})).toMatchObject({ sandbox: true, port: 0 });
    expect(() => parseWebConfig(["--sandbox", "--", "--port"], {})).toThrow(/Unexpected argument/);
  });

  it("property: parseBbox accepts exactly the well-ordered in-range boxes", () => {
    const coord = (max: number): fc.Arbitrary<number> => fc.integer({ min: -max * 1000, max: max * 1000 }).map((n) => n / 1000);
    fc.assert(
      fc.property(coord(180), coord(90), coord(180), coord(90), (w, s, e, n) => {
        const text = `${w},${s},${e},${n}`;
        if (w < e && s < n) expect(parseBbox(text)).toEqual([w, s, e, n]);
        else expect(() => parseBbox(text)).toThrow(TypeError);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          const [w, s, e, n] = parseBbox(text);
          expect(w < e && s < n).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
      }),
    );
  });
});

describe("HTML escaping", () => {
  it("escapes every interpolated value (Hono's html helper)", async () => {
    expect(String(await errorPage(`<a href="x" onclick='y'>&</a>`, "m"))).toContain("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    expect(String(await notFoundPage('/"><script>'))).toContain("<code>/&quot;&gt;&lt;script&gt;</code>");
  });

  it("property: no value from the provider can open a tag or break out of an attribute on the images page", async () => {
    const page = (id: string, name: string, tileUrl: string): Promise<string> =>
      Promise.resolve(
        imagesPage({
          username: name,
          userId: id,
          rows: [{ id, capturedAt: id, compassAngle: 1, sequence: id, link: `https://x/?${id}` }],
          scanned: 1,
          bbox: [0, 0, 1, 1],
          page: 2,
          hasNext: true,
          map: { tileUrl, center: [0, 0] },
        }),
      ).then(String);
    const empty = await page("", "", "");
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (id, name, tileUrl) => {
        const filled = await page(id, name, tileUrl);
        // Same number of tag openers, quotes and apostrophes as the page with empty values: nothing leaked through.
        for (const char of ["<", '"', "'"]) expect(filled.split(char).length).toBe(empty.split(char).length);
      }),
    );
    expect(String(await loginFailedPage("error", "<x>"))).toContain("&lt;x&gt;");
  });
});
