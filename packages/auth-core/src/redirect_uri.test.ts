import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors.ts";
import { checkRedirectUri } from "./redirect_uri.ts";
import { caught } from "./_test_util.ts";

describe("checkRedirectUri", () => {
  it("accepts HTTPS, loopback HTTP and private-use schemes", () => {
    for (const uri of ["https://app.example.com/cb", "http://127.0.0.1:8765/callback", "http://[::1]:1/cb", "http://localhost:3000/cb", "com.example.app:/callback"]) {
      expect(checkRedirectUri(uri).href).toBeTruthy();
    }
  });

  it("refuses relative URIs, fragments, plain HTTP off loopback and dangerous schemes", () => {
    for (const uri of ["/callback", "https://app.example.com/cb#x", "https://app.example.com/cb#", "http://app.example.com/cb", "http://127.0.0.2.evil.com/cb", "javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"]) {
      expect(caught(() => checkRedirectUri(uri)), uri).toBeInstanceOf(ConfigError);
    }
  });
});
