import { describe, expect, it } from "vitest";
import { CodeStore } from "./code_store.ts";
import { ConsentStore } from "./consent_store.ts";
import { TokenStore } from "./token_store.ts";

describe("stores", () => {
  it("TokenStore judges expiry by the injected clock and revokes", () => {
    let t = 1000;
    const store = new TokenStore(() => t);
    store.add({ value: "a", api: "mapiq", kind: "app", clientId: "c", scopes: [], issuedAt: t, expiresAt: 2000 });
    store.add({ value: "v2", api: "mapillary-v2", kind: "user", clientId: "c", scopes: [], issuedAt: t, expiresAt: null });
    expect(store.lookup("a").status).toBe("valid");
    t = 1999;
    expect(store.lookup("a").status).toBe("valid");
    t = 2000;
    expect(store.lookup("a").status).toBe("expired");
    expect(store.lookup("nope").status).toBe("unknown");
    t = 1e12;
    expect(store.lookup("v2").status).toBe("valid");
    expect(store.revoke("v2")).toBe(true);
    expect(store.lookup("v2").status).toBe("revoked");
  });

  it("CodeStore redeems once and only in time", () => {
    let t = 0;
    const codes = new CodeStore(() => t);
    const grant = { api: "mapillary" as const, clientId: "1", scopes: ["read"], redirectUri: null, deliveredTo: "http://127.0.0.1/cb", expiresAt: 60_000 };
    const a = codes.issue(grant);
    expect(codes.redeem(a)).toEqual({ ok: true, grant });
    expect(codes.redeem(a)).toEqual({ ok: false, reason: "used" });
    const b = codes.issue(grant);
    t = 60_000;
    expect(codes.redeem(b)).toEqual({ ok: false, reason: "expired" });
    expect(codes.redeem("zzz")).toEqual({ ok: false, reason: "unknown" });
  });

  it("ConsentStore answers once, within ten minutes", () => {
    let t = 0;
    const consents = new ConsentStore(() => t);
    const req = { api: "mapillary" as const, clientId: "1", scopes: [], redirectUri: null, deliverTo: "x", state: null, responseType: "code" as const };
    const id = consents.open(req);
    expect(consents.take(id)).toBe(req);
    expect(consents.take(id)).toBeUndefined();
    const late = consents.open(req);
    t = 10 * 60 * 1000;
    expect(consents.take(late)).toBeUndefined();
  });
});
