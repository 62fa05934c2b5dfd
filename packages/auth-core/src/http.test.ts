import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { HttpRequestDescription, getHeader, readResponse } from "./http.ts";
import { Secret } from "./secret.ts";

describe("HttpRequestDescription", () => {
  const secret = new Secret("MLY|1|supersecretvalue");
  const request = new HttpRequestDescription({
    method: "POST",
    url: "https://graph.mapillary.com/token",
    headers: { authorization: `OAuth ${secret.reveal()}`, "content-type": "application/json" },
    body: '{"code":"the-code-value"}',
    secrets: [secret],
  });

  it("converts to a fetch Request that never follows redirects", async () => {
    const controller = new AbortController();
    const fetchRequest = request.toRequest({ signal: controller.signal });
    expect(fetchRequest.method).toBe("POST");
    expect(fetchRequest.redirect).toBe("manual");
    expect(fetchRequest.headers.get("authorization")).toBe(`OAuth ${secret.reveal()}`);
    expect(await fetchRequest.text()).toBe('{"code":"the-code-value"}');
    expect(new HttpRequestDescription({ method: "GET", url: "https://x.test/" }).toRequest().body).toBeNull();
  });

  it("redacts headers and body when printed, keeps public headers", () => {
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the template literal is what is tested
    for (const text of [JSON.stringify(request), inspect(request, { depth: Infinity, showHidden: true }), String(request), `${request}`]) {
      expect(text).not.toContain("supersecretvalue");
      expect(text).not.toContain("the-code-value");
    }
    expect(request.toJSON()).toEqual({
      method: "POST",
      url: "https://graph.mapillary.com/token",
      headers: { authorization: "[redacted]", "content-type": "application/json" },
      body: "[redacted]",
    });
    expect(String(request)).toBe("POST https://graph.mapillary.com/token");
    expect(request.secrets()).toEqual([secret]);
    expect(Object.isFrozen(request)).toBe(true);
  });
});

describe("getHeader / readResponse", () => {
  it("reads headers case-insensitively from Headers and records", () => {
    expect(getHeader(new Headers({ "Retry-After": "3" }), "retry-after")).toBe("3");
    expect(getHeader({ "Retry-After": "3" }, "RETRY-AFTER")).toBe("3");
    expect(getHeader({}, "x")).toBeUndefined();
    expect(getHeader(new Headers(), "x")).toBeUndefined();
  });

  it("reads a fetch Response into data", async () => {
    const data = await readResponse(new Response('{"a":1}', { status: 400, headers: { "x-a": "b" } }));
    expect(data.status).toBe(400);
    expect(data.body).toBe('{"a":1}');
    expect(getHeader(data.headers, "X-A")).toBe("b");
  });
});
