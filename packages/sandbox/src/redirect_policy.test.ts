import { describe, expect, it } from "vitest";
import { isAllowedRedirect } from "./redirect_policy.ts";

describe("isAllowedRedirect", () => {
  const policy = { registered: ["https://app.example/cb"], allowLoopback: true };
  it("accepts registered URIs exactly and loopback URIs on any port", () => {
    expect(isAllowedRedirect("https://app.example/cb", policy)).toBe(true);
    expect(isAllowedRedirect("https://app.example/cb/", policy)).toBe(false);
    expect(isAllowedRedirect("http://127.0.0.1:5555/callback", policy)).toBe(true);
    expect(isAllowedRedirect("http://localhost:1/x?y=1", policy)).toBe(true);
    expect(isAllowedRedirect("http://[::1]:8080/cb", policy)).toBe(true);
  });

  it("rejects non-loopback, https loopback, fragments, credentials and junk", () => {
    expect(isAllowedRedirect("http://evil.example/cb", policy)).toBe(false);
    expect(isAllowedRedirect("http://127.0.0.1.evil.example/cb", policy)).toBe(false);
    expect(isAllowedRedirect("http://127.0.0.1:5/cb#x", policy)).toBe(false);
    expect(isAllowedRedirect("http://u:p@127.0.0.1:5/cb", policy)).toBe(false);
    expect(isAllowedRedirect("not a url", policy)).toBe(false);
    expect(isAllowedRedirect("http://127.0.0.1:5/cb", { ...policy, allowLoopback: false })).toBe(false);
  });
});
