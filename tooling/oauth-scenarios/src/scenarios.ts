// The one scenario list, run against every target server (authlib.test.ts, oidc_provider.test.ts)
// through the SDK as a user would: @mly/auth-core's oauth2Profile built from the server's
// metadata, @mly/fetch's login helpers and API client (RefreshCoordinator inside) over ky.
import { AuthorizationError, buildCodeExchange, createClient, OAuthError, oauth2Profile, processTokenResponse, StateMismatchError, validateCallback } from "@mly/auth-core";
import { MemoryTokenStore } from "@mly/auth-core/orchestration";
import { createManualClock } from "@mly/auth-core/testing";
import type { HttpTransport, ProviderProfile, Secret, TokenSet } from "@mly/auth-core";
import { clientCredentialsToken, createApiClient, createKyTransport, finishLogin, refreshTokens, startLogin } from "@mly/fetch";
import type { LoginContext } from "@mly/fetch";
import { discoverProfile, revokeToken } from "@mly/fetch/oauth2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ConsentChoice, ScenarioId, ScenarioTarget, TargetClient, Unsupported } from "./target.ts";

/** What each scenario proves; the test names. */
export const SCENARIOS: Readonly<Record<ScenarioId, string>> = {
  "code-basic": "code + PKCE S256 with client_secret_basic (and only that method)",
  "code-post": "code + PKCE S256 with client_secret_post (and only that method)",
  "code-public": "code + PKCE S256 with a public client (none)",
  "refresh-rotation": "refresh rotates the refresh token; the old one is refused with OAuthError invalid_grant",
  "refresh-keeps-old": "a refresh response without refresh_token keeps the old one, which still works",
  "client-credentials": "client credentials: an app token, no refresh token",
  "wrong-secret": "a wrong client secret is OAuthError invalid_client, the secret in no output",
  "reused-code": "a reused code is OAuthError invalid_grant with the server's error_description (after the SDK's own replay guard)",
  "narrowed-scopes": "scopes narrowed by the server are the TokenSet's scopes",
  "access-denied": "an access_denied callback is an AuthorizationError",
  "invalid-scope": "an invalid_scope callback is an AuthorizationError",
  "concurrent-refresh": "50 concurrent API calls on an expired token make exactly 1 refresh request (counted by the server)",
  discovery: "discoverProfile(issuer) builds the profile from the server's own metadata (endpoints, auth method, PKCE, revocation endpoint), and a login through it works",
  revocation: "revokeToken(profile, client, tokens) revokes the refresh token then the access token: neither works afterwards",
  "revoke-access-token": "revoking only the access token (public client, auth none) ends it, and the refresh token as the server's policy says; an unknown token is no error",
};

/** The value of a secret that must be there. */
function revealed(secret: Secret | undefined): string {
  if (secret === undefined) throw new Error("expected a secret, got none");
  return secret.reveal();
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

/** How a test file runs the scenarios against one server. */
export interface ScenarioRun {
  /** The server, in the test names. */
  readonly name: string;
  /** Starts the server (in `beforeAll`; closed in `afterAll`). */
  readonly start: () => Promise<ScenarioTarget>;
  /** Scenarios this server cannot run, with the reason (the skip's name says it). */
  readonly unsupported?: Unsupported;
  /** Skip them all (the server is not installed; never under CI). */
  readonly skip?: boolean;
}

/** Registers every scenario of {@link SCENARIOS} against one server. */
export function describeScenarios({ name, start, unsupported = {}, skip = false }: ScenarioRun): void {
  describe.skipIf(skip)(`OAuth scenarios against ${name}`, () => {
    let target: ScenarioTarget;
    let metadata: Record<string, unknown>;

    beforeAll(async () => {
      target = await start();
      metadata = (await (await fetch(target.metadataUrl)).json()) as Record<string, unknown>;
    });

    afterAll(async () => {
      // Undefined when start() failed: let its error be the one reported.
      await (target as ScenarioTarget | undefined)?.close();
    });

    /** The profile as an app configures it from the server's metadata. */
    function profileFor(client: TargetClient, overrides: Partial<Parameters<typeof oauth2Profile>[0]> = {}): ProviderProfile {
      return oauth2Profile({
        issuer: String(metadata["issuer"]),
        requireIssuerInCallback: metadata["authorization_response_iss_parameter_supported"] === true,
        authorizationEndpoint: String(metadata["authorization_endpoint"]),
        tokenEndpoint: String(metadata["token_endpoint"]),
        apiBaseUrl: String(metadata["issuer"]),
        tokenEndpointAuth: client.tokenEndpointAuthMethod,
        scopes: target.scopes,
        defaultScopes: ["read"],
        ...overrides,
      });
    }

    function contextFor(client: TargetClient, extra: Partial<LoginContext> = {}): LoginContext {
      return { profile: profileFor(client), client: { clientId: client.clientId, clientSecret: client.clientSecret }, ...extra };
    }

    async function logIn(context: LoginContext, client: TargetClient, scopes: readonly string[] = ["read", "write"], consent?: ConsentChoice): Promise<TokenSet> {
      const { url, pending } = await startLogin(context, { redirectUri: client.redirectUri, scopes });
      const query = new URL(url).searchParams;
      expect(query.get("code_challenge_method")).toBe("S256");
      expect(query.get("code_challenge")).toMatch(/^[\w-]{43}$/);
      return finishLogin(context, pending, await target.authorize(url, consent));
    }

    async function resource(tokens: TokenSet): Promise<{ status: number; body: Record<string, unknown> }> {
      const response = await fetch(target.resourceUrl, { headers: { authorization: `Bearer ${tokens.accessToken.reveal()}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    /** `it`, or a skip whose name says why this server cannot run the scenario. */
    function scenario(id: ScenarioId, body: () => Promise<void>): void {
      const reason = unsupported[id];
      if (reason === undefined) it(SCENARIOS[id], body);
      else it.skip(`${SCENARIOS[id]} [SKIPPED on ${name}: ${reason}]`, body);
    }

    for (const [id, key, other] of [
      ["code-basic", "basic", "client_secret_post"],
      ["code-post", "post", "client_secret_basic"],
      ["code-public", "public", undefined],
    ] as const) {
      scenario(id, async () => {
        const client = target.clients[key];
        const tokens = await logIn(contextFor(client), client);
        expect(tokens).toMatchObject({ kind: "user", provider: "oauth2", tokenType: "bearer", scopes: ["read", "write"] });
        expect(tokens.refreshToken).toBeDefined();
        expect(tokens.expiresAt).toBeGreaterThan(tokens.issuedAt);
        expect(await resource(tokens)).toMatchObject({ status: 200, body: { sub: target.subject } });
        if (other !== undefined) {
          // The server takes only the registered method, so the success above proves the SDK sent that one.
          const wrongMethod = contextFor(client, { profile: profileFor(client, { tokenEndpointAuth: other }) });
          const error = await rejection(logIn(wrongMethod, client));
          expect(error).toBeInstanceOf(OAuthError);
          expect(error).toMatchObject({ error: "invalid_client" });
        }
      });
    }

    scenario("refresh-rotation", async () => {
      const client = target.clients.basic;
      const context = contextFor(client);
      const tokens = await logIn(context, client);
      const refreshed = await refreshTokens(context, tokens);
      expect(revealed(refreshed.refreshToken)).not.toBe(revealed(tokens.refreshToken));
      expect(refreshed.accessToken.reveal()).not.toBe(tokens.accessToken.reveal());
      expect(refreshed.scopes).toEqual(["read", "write"]);
      expect((await resource(refreshed)).status).toBe(200);

      const replay = await rejection(refreshTokens(context, tokens));
      expect(replay).toBeInstanceOf(OAuthError);
      expect(replay).toMatchObject({ code: "oauth_error", error: "invalid_grant", status: 400 });
      expect(`${String(replay)} ${JSON.stringify(replay)}`).not.toContain(revealed(tokens.refreshToken));
    });

    scenario("refresh-keeps-old", async () => {
      const client = target.clients.keep;
      if (client === undefined) throw new Error("no client without refresh token rotation");
      const bodies: string[] = [];
      const ky = createKyTransport();
      const recording: HttpTransport = {
        send: async (request, options) => {
          const response = await ky.send(request, options);
          bodies.push(response.body);
          return response;
        },
      };
      const context = contextFor(client, { transport: recording });
      const tokens = await logIn(context, client);
      const refreshed = await refreshTokens(context, tokens);
      const wire = JSON.parse(bodies.at(-1) ?? "{}") as Record<string, unknown>;
      expect(wire).toHaveProperty("access_token");
      expect(wire).not.toHaveProperty("refresh_token");
      expect(refreshed.accessToken.reveal()).not.toBe(tokens.accessToken.reveal());
      expect(revealed(refreshed.refreshToken)).toBe(revealed(tokens.refreshToken));
      // The kept token is the live one: it refreshes again.
      const again = await refreshTokens(context, refreshed);
      expect(revealed(again.refreshToken)).toBe(revealed(tokens.refreshToken));
      expect((await resource(again)).status).toBe(200);
    });

    scenario("client-credentials", async () => {
      const client = target.clients.service;
      const tokens = await clientCredentialsToken(contextFor(client), ["read"]);
      expect(tokens).toMatchObject({ kind: "client_app", tokenType: "bearer", scopes: ["read"], refreshToken: undefined });
      expect(tokens.expiresAt).toBeGreaterThan(tokens.issuedAt);
      expect((await resource(tokens)).status).toBe(200);
    });

    scenario("wrong-secret", async () => {
      const secret = "not-the-secret-0123456789";
      const service = target.clients.service;
      const error = await rejection(clientCredentialsToken(contextFor({ ...service, clientSecret: secret })));
      expect(error).toBeInstanceOf(OAuthError);
      expect(error).toMatchObject({ error: "invalid_client", status: 401 });
      expect(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ""}`).not.toContain(secret);

      const basic = target.clients.basic;
      const onExchange = await rejection(logIn(contextFor({ ...basic, clientSecret: secret }), basic));
      expect(onExchange).toBeInstanceOf(OAuthError);
      expect(onExchange).toMatchObject({ error: "invalid_client", status: 401 });
    });

    scenario("reused-code", async () => {
      const client = target.clients.post;
      const context = contextFor(client);
      const app = createClient({ clientId: client.clientId, clientSecret: client.clientSecret });
      const { url, pending } = await startLogin(context, { redirectUri: client.redirectUri, scopes: ["read"] });
      const callbackUrl = await target.authorize(url);
      // In one process the SDK refuses a replayed callback itself, before the server sees it …
      const callback = validateCallback(context.profile, pending, callbackUrl);
      expect(() => validateCallback(context.profile, pending, callbackUrl)).toThrow(StateMismatchError);
      // … so the server's check is reached the way two processes would: one validated callback, two exchanges.
      const transport = createKyTransport();
      const exchange = async (): Promise<TokenSet> => {
        const call = buildCodeExchange(context.profile, app, callback);
        return processTokenResponse(call, await transport.send(call.request), Date.now());
      };
      await exchange();
      const again = await rejection(exchange());
      expect(again).toBeInstanceOf(OAuthError);
      expect(again).toMatchObject({ error: "invalid_grant", status: 400 });
      expect((again as OAuthError).errorDescription).toBe(target.reusedCodeDescription);
      expect((again as OAuthError).message).toContain(target.reusedCodeDescription);
      expect(`${String(again)} ${JSON.stringify(again)}`).not.toContain(new URL(callbackUrl).searchParams.get("code") ?? "no code");
    });

    scenario("narrowed-scopes", async () => {
      const client = target.clients.basic;
      const { requested, consent, granted } = target.narrowing;
      const tokens = await logIn(contextFor(client), client, requested, consent);
      expect(granted.length).toBeLessThan(requested.length);
      expect(tokens.scopes).toEqual(granted);
      expect((await resource(tokens)).body["scope"]).toBe(granted.join(" "));
    });

    for (const [id, expected] of [
      ["access-denied", "access_denied"],
      ["invalid-scope", "invalid_scope"],
    ] as const) {
      scenario(id, async () => {
        const client = target.clients.public;
        const context = contextFor(client);
        const scopes = id === "invalid-scope" ? ["read", target.refusedScope] : ["read"];
        const { url, pending } = await startLogin(context, { redirectUri: client.redirectUri, scopes });
        const callbackUrl = await target.authorize(url, { deny: id === "access-denied" });
        const error = await rejection(finishLogin(context, pending, callbackUrl));
        expect(error).toBeInstanceOf(AuthorizationError);
        expect(error).toMatchObject({ code: "authorization_error", error: expected });
      });
    }

    /** The profile as `discoverProfile` builds it for this client. */
    function discovered(client: TargetClient): Promise<ProviderProfile> {
      return discoverProfile(target.issuer, { tokenEndpointAuth: client.tokenEndpointAuthMethod, scopes: target.scopes, defaultScopes: ["read"], apiBaseUrl: target.issuer });
    }

    scenario("discovery", async () => {
      const client = target.clients.post;
      const profile = await discovered(client);
      expect(profile).toMatchObject({
        id: "oauth2",
        issuer: metadata["issuer"],
        authorizationEndpoint: metadata["authorization_endpoint"],
        tokenEndpoint: metadata["token_endpoint"],
        revocationEndpoint: metadata["revocation_endpoint"],
        tokenEndpointAuth: "client_secret_post",
        pkce: true,
      });
      // Without a choice: the first method the server lists of basic, post, none.
      expect((await discoverProfile(target.issuer)).tokenEndpointAuth).toBe("client_secret_basic");
      const tokens = await logIn({ profile, client: { clientId: client.clientId, clientSecret: client.clientSecret } }, client);
      expect(await resource(tokens)).toMatchObject({ status: 200, body: { sub: target.subject } });
    });

    scenario("revocation", async () => {
      const client = target.clients.basic;
      const context: LoginContext = { profile: await discovered(client), client: { clientId: client.clientId, clientSecret: client.clientSecret } };
      const tokens = await logIn(context, client);
      expect((await resource(tokens)).status).toBe(200);
      await revokeToken(context.profile, context.client, tokens);
      expect((await resource(tokens)).status).toBe(401);
      const refresh = await rejection(refreshTokens(context, tokens));
      expect(refresh).toBeInstanceOf(OAuthError);
      expect(refresh).toMatchObject({ error: "invalid_grant" });
    });

    scenario("revoke-access-token", async () => {
      const client = target.clients.public;
      const context: LoginContext = { profile: await discovered(client), client: { clientId: client.clientId } };
      const tokens = await logIn(context, client);
      await revokeToken(context.profile, context.client, tokens.accessToken, { tokenTypeHint: "access_token" });
      expect((await resource(tokens)).status).toBe(401);
      if (target.accessRevocationEndsGrant) {
        await expect(refreshTokens(context, tokens)).rejects.toMatchObject({ code: "oauth_error", error: "invalid_grant" });
      } else {
        const refreshed = await refreshTokens(context, tokens);
        expect((await resource(refreshed)).status).toBe(200);
      }
      await expect(revokeToken(context.profile, context.client, "never-issued-by-this-server", { tokenTypeHint: "refresh_token" })).resolves.toBeUndefined();
    });

    scenario("concurrent-refresh", async () => {
      const client = target.clients.basic;
      const tokens = await logIn(contextFor(client), client);
      const clock = createManualClock(Date.now());
      const store = new MemoryTokenStore();
      const api = createApiClient({ profile: profileFor(client), client: { clientId: client.clientId, clientSecret: client.clientSecret }, store, clock });
      await store.set(api.tokenKey, tokens);
      clock.set((tokens.expiresAt ?? clock.now()) + 60_000); // expired, as far as the SDK can tell

      const before = await target.refreshRequests();
      const answers = await Promise.all(Array.from({ length: 50 }, () => api.ky.get("resource").json<Record<string, unknown>>()));
      expect((await target.refreshRequests()) - before).toBe(1);
      expect(api.coordinator?.refreshCount).toBe(1);
      expect(answers).toHaveLength(50);
      for (const answer of answers) expect(answer).toMatchObject({ sub: target.subject });
      const stored = await store.get(api.tokenKey);
      expect(stored?.tokens.accessToken.reveal()).not.toBe(tokens.accessToken.reveal());
    });
  });
}
