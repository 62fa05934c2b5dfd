// `mly login --issuer` + `mly logout --revoke` through the real binary against oidc-provider
// (RFC 8414 / OpenID discovery, RFC 7009 revocation), and --revoke on a Mapillary profile.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OAuthError, type TokenSet } from "@mly/auth-core";
import { refreshTokens } from "@mly/fetch";
import { discoverProfile } from "@mly/fetch/oauth2";
import { startOidcServer, type OidcServer } from "@mly/oidc-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, type CliResult } from "./_test_cli.ts";
import { openTokenStore } from "./token_store.ts";

let server: OidcServer;
let configDir: string;
let env: Record<string, string>;

function mly(args: string[], environment = env): Promise<CliResult> {
  return runCli(["--config-dir", configDir, ...args], environment);
}

/** `mly login --issuer … --paste`, the consent done by the harness, the callback pasted. */
async function login(profile: string): Promise<TokenSet> {
  const cli = startCli(["--config-dir", configDir, "login", "--issuer", server.issuer, "--paste", "--redirect-uri", server.callbackUrl, "--scopes", "read write", "-p", profile], env);
  const [url] = await cli.waitForStderr(/http:\/\/127\.0\.0\.1:\d+\/auth\?\S+/);
  await cli.waitForStderr(/press Enter:/);
  cli.child.stdin.end(`${await server.authorize(url)}\n`);
  const result = await cli.done;
  expect(result.stderr).toContain(`as profile ${profile}`);
  expect(result.code).toBe(0);
  const record = JSON.parse((await mly(["status", "--json", "-p", profile])).stdout) as { profiles: { provider: string }[] };
  expect(record.profiles[0]?.provider).toBe("oauth2");
  const stored = await openTokenStore(join(configDir, "tokens")).get(`oauth2:${server.clients.basic.clientId}:${profile}`);
  if (stored === undefined) throw new Error("no token stored");
  return stored.tokens;
}

async function resource(tokens: TokenSet): Promise<number> {
  const response = await fetch(server.resourceUrl, { headers: { authorization: `Bearer ${tokens.accessToken.reveal()}` } });
  await response.body?.cancel();
  return response.status;
}

beforeAll(async () => {
  server = await startOidcServer();
  configDir = await mkdtemp(join(tmpdir(), "mly-cli-logout-revoke-"));
  const client = server.clients.basic;
  env = { NO_COLOR: "1", OAUTH2_CLIENT_ID: client.clientId, OAUTH2_CLIENT_SECRET: client.clientSecret ?? "" };
});
afterAll(async () => {
  await server.close();
  await rm(configDir, { recursive: true, force: true });
});

describe("mly logout --revoke against oidc-provider", () => {
  it("revokes the refresh token and the access token at the discovered endpoint, then deletes the profile", async () => {
    const tokens = await login("idp");
    expect(await resource(tokens)).toBe(200);
    const result = await mly(["logout", "--revoke", "-p", "idp"]);
    expect(result.stderr).toContain(`✓ Revoked the tokens at ${server.revocationEndpoint} and logged out of profile idp`);
    expect(result.code).toBe(0);
    expect(await resource(tokens)).toBe(401);
    const profile = await discoverProfile(server.issuer);
    const refresh = await refreshTokens({ profile, client: { clientId: server.clients.basic.clientId, clientSecret: server.clients.basic.clientSecret } }, tokens).catch((e: unknown) => e);
    expect(refresh).toBeInstanceOf(OAuthError);
    expect(refresh).toMatchObject({ error: "invalid_grant" });
    expect((await mly(["status", "-p", "idp"])).stdout).toContain('No profile "idp"');
    expect(result.stdout + result.stderr).not.toContain(tokens.accessToken.reveal());
  });

  it("a revocation the server refuses (wrong secret): still deleted here, the failure reported, the credentials exit code", async () => {
    const tokens = await login("refused");
    const result = await mly(["logout", "--revoke", "-p", "refused"], { ...env, OAUTH2_CLIENT_SECRET: "not-the-secret" });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`Logged out of profile refused (token deleted here), but the revocation at ${server.revocationEndpoint} failed`);
    expect(result.stderr).toContain("The tokens may stay valid on the server until they expire.");
    expect(result.stderr).not.toContain("not-the-secret");
    expect((await mly(["status", "-p", "refused"])).code).toBe(2);
    // Not revoked, as reported.
    expect(await resource(tokens)).toBe(200);
  });

  it("an unreachable server: still deleted here, a network error (exit 4)", async () => {
    const tokens = await login("offline");
    expect(await resource(tokens)).toBe(200);
    // The recorded revocation endpoint now points at a port nothing listens on any more.
    const gone = await startOidcServer();
    await gone.close();
    const book = join(configDir, "profiles.json");
    const text = await readFile(book, "utf8");
    await writeFile(book, text.replaceAll(server.revocationEndpoint, `${gone.issuer}/token/revocation`));
    const result = await mly(["logout", "--revoke", "-p", "offline"]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("but the revocation at");
    expect((await mly(["status", "-p", "offline"])).code).toBe(2);
  });

  it("without --revoke the server is not called: the token still works after logout", async () => {
    const tokens = await login("plain");
    const result = await mly(["logout", "-p", "plain"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Logged out of profile plain (token deleted).");
    expect(await resource(tokens)).toBe(200);
  });
});

describe("mly logout --revoke on a Mapillary profile (no revocation endpoint)", () => {
  it("deletes the token here and says that nothing could be revoked at Mapillary", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mly-cli-logout-mapillary-"));
    try {
      expect((await runCli(["--config-dir", dir, "--sandbox", "me"], { NO_COLOR: "1" })).code).toBe(0);
      const result = await runCli(["--config-dir", dir, "--sandbox", "logout", "--revoke"], { NO_COLOR: "1" });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("Mapillary has no revocation endpoint, so nothing was revoked");
      expect(result.stderr).toContain("remove the app's access in your Mapillary settings");
      expect((await runCli(["--config-dir", dir, "status"], { NO_COLOR: "1" })).stdout).toContain("No profiles");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
