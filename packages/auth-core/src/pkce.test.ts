import { describe, expect, it } from "vitest";
import { createPkce, pkceChallenge, randomState } from "./pkce.ts";
import { encodeBase64url } from "./_base64url.ts";

describe("PKCE", () => {
  it("S256 matches RFC 7636 Appendix B", async () => {
    const octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
    expect(encodeBase64url(new Uint8Array(octets))).toBe("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    expect(await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("creates a 43-character verifier and its S256 challenge, never plain", async () => {
    const pkce = await createPkce();
    expect(pkce.method).toBe("S256");
    expect(pkce.verifier.reveal()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pkce.challenge).toBe(await pkceChallenge(pkce.verifier.reveal()));
    expect(JSON.stringify(pkce)).not.toContain(pkce.verifier.reveal());
  });

  it("randomState: 256 bits of base64url, different every time", () => {
    const states = new Set(Array.from({ length: 1000 }, () => randomState()));
    expect(states.size).toBe(1000);
    for (const state of states) expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("base64url encodes without padding (RFC 4648 §5)", () => {
    expect(encodeBase64url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
    expect(encodeBase64url(new Uint8Array([]))).toBe("");
  });
});
