// The interaction needs no harness code on the client side: a real browser that opens the
// authorization URL lands on the callback too. Runs where CHROMIUM_PATH names a Chromium binary.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { authorizationUrl, tokenRequest } from "./_test_fetch.ts";
import { startOidcServer } from "./server.ts";
import type { OidcServer } from "./server.ts";

const chromium = process.env["CHROMIUM_PATH"];

function dumpDom(binary: string, url: string, profileDir: string): Promise<string> {
  const args = ["--headless", "--no-sandbox", "--disable-gpu", `--user-data-dir=${profileDir}`, "--dump-dom", url];
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`${error.message}\n${stderr}`));
    });
  });
}

describe.skipIf(chromium === undefined || chromium === "")("a real browser", () => {
  let server: OidcServer;
  let profileDir: string;

  beforeAll(async () => {
    server = await startOidcServer();
    profileDir = await mkdtemp(join(tmpdir(), "oidc-harness-chromium-"));
  });

  afterAll(async () => {
    await server.close();
    await rm(profileDir, { recursive: true, force: true });
  });

  it("follows the authorization URL through the interaction to the callback page", async () => {
    const client = server.clients.public;
    const { url, pkce, state } = authorizationUrl(server, client);
    const dom = await dumpDom(chromium!, url.href, profileDir);
    const shown = JSON.parse(/\{.*\}/s.exec(dom.replace(/<[^>]+>/g, ""))![0]) as Record<string, string>;
    expect(shown).toMatchObject({ state, iss: server.issuer });
    const reply = await tokenRequest(server, client, {
      grant_type: "authorization_code",
      code: shown["code"]!,
      redirect_uri: client.redirectUri,
      code_verifier: pkce.verifier,
    });
    expect(reply.status).toBe(200);
  }, 90_000);
});
