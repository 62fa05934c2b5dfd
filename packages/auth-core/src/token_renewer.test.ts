import { describe, expect, it } from "vitest";
import { createClient } from "./client.ts";
import { createManualClock } from "./manual_clock.ts";
import { LoginRequiredError } from "./errors.ts";
import type { HttpRequestDescription } from "./http.ts";
import { mapillary } from "./mapillary.ts";
import { mapillaryV2 } from "./mapillary_v2.ts";
import { mapiq } from "./mapiq.ts";
import type { TransportOptions } from "./ports.ts";
import { Secret } from "./secret.ts";
import { clientTokenSet } from "./token_set.ts";
import { createTokenRenewer } from "./token_renewer.ts";
import { FakeTransport, V4_SECRET, form, json, rejected, tokenSet } from "./_test_util.ts";

describe("createTokenRenewer", () => {
  it("Mapiq: runs the client-credentials grant when nothing is stored or for a client_app token", async () => {
    const transport = new FakeTransport(() => json(200, { access_token: "eyJ", token_type: "Bearer", expires_in: "3599" }));
    const renew = createTokenRenewer({ profile: mapiq, client: createClient({ clientId: "id", clientSecret: "sec" }), transport, clock: createManualClock(1000) });
    const first = await renew(undefined, {});
    expect(first).toMatchObject({ kind: "client_app", expiresAt: 1000 + 3_599_000 });
    await renew(first, {});
    expect(transport.requests.map((r) => form(r.body)["grant_type"])).toEqual(["client_credentials", "client_credentials"]);
  });

  it("Mapillary v4: refreshes a user token with the access token; passes the signal and timeout", async () => {
    const seen: TransportOptions[] = [];
    const transport = {
      send: (request: HttpRequestDescription, options?: TransportOptions) => {
        seen.push(options ?? {});
        expect(JSON.parse(request.body!)).toEqual({ grant_type: "refresh_token", refresh_token: "MLYold", client_id: 1234 });
        return Promise.resolve(json(200, { access_token: "MLYnew", expires_in: 5_184_000 }));
      },
    };
    const renew = createTokenRenewer({ profile: mapillary, client: createClient({ clientId: "1234", clientSecret: V4_SECRET }), transport, clock: createManualClock(0), timeoutMs: 5000 });
    const signal = new AbortController().signal;
    const renewed = await renew(tokenSet({ accessToken: new Secret("MLYold"), expiresAt: 86_400_000 }), { signal });
    expect(renewed.accessToken.reveal()).toBe("MLYnew");
    expect(seen).toEqual([{ signal, timeoutMs: 5000 }]);
    await renew(tokenSet({ accessToken: new Secret("MLYold"), expiresAt: 86_400_000 }), {});
    expect(seen[1]).toEqual({ timeoutMs: 5000 });
  });

  it("returns a client token unchanged; refuses to log a user in", async () => {
    const transport = new FakeTransport(() => json(500, {}));
    const renew = createTokenRenewer({ profile: mapillary, client: createClient({ clientId: "1234", clientSecret: V4_SECRET }), transport, scopes: ["read"] });
    const client = clientTokenSet(new Secret("MLY|1|x"), 0);
    expect(await renew(client, {})).toBe(client);
    expect(await rejected(renew(undefined, {}))).toBeInstanceOf(LoginRequiredError);
    expect(transport.requests).toHaveLength(0);
  });

  it("Mapillary v2 (no refresh grant): a user token cannot be renewed, LoginRequiredError without a request", async () => {
    const transport = new FakeTransport(() => json(200, { access_token: "a" }));
    const renew = createTokenRenewer({ profile: mapillaryV2, client: createClient({ clientId: "v2-id", clientSecret: "s" }), transport });
    const error = await rejected(renew(tokenSet({ provider: "mapillary-v2", expiresAt: null }), {}));
    expect(error).toBeInstanceOf(LoginRequiredError);
    expect((error as Error).message).toContain("log in again");
    expect(transport.requests).toHaveLength(0);
  });

  it("passes requested scopes to the client-credentials grant", async () => {
    const transport = new FakeTransport(() => json(200, { access_token: "a" }));
    const renew = createTokenRenewer({ profile: mapiq, client: createClient({ clientId: "id", clientSecret: "s" }), transport, scopes: ["https://api.mapiq.com/public/.default"] });
    await renew(undefined, {});
    expect(form(transport.requests[0]!.body)["scope"]).toBe("https://api.mapiq.com/public/.default");
  });
});
