// The body of one process of the "refresh exactly once" test (shared with @mly/storage-redis):
// N concurrent callers through core's RefreshCoordinator on the store the entry point opened.
import { Secret, type TokenSet, type TokenStore } from "@mly/auth-core";
import { RefreshCoordinator } from "@mly/auth-core/orchestration";

/** Prints `ready`, waits for a line on stdin, runs `callers` concurrent `getToken(key)`, prints the JSON report and exits. */
export async function runRefresher(store: TokenStore, key: string, endpoint: string, callers: number): Promise<never> {
  async function renew(current: TokenSet | undefined): Promise<TokenSet> {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token", refresh_token: current?.refreshToken?.reveal() ?? current?.accessToken.reveal() }),
    });
    const body = (await response.json()) as { access_token: string; refresh_token: string; expires_in: number };
    const now = Date.now();
    return {
      kind: "user",
      accessToken: new Secret(body.access_token),
      tokenType: "bearer",
      refreshToken: new Secret(body.refresh_token),
      scopes: ["read"],
      issuedAt: now,
      expiresAt: now + body.expires_in * 1000,
      notBefore: undefined,
      provider: "mapillary",
      issuer: undefined,
      subject: "u",
    };
  }

  const coordinator = new RefreshCoordinator({ store, renew, lockTtlMs: 10_000, lockWaitMs: 20_000 });
  process.stdout.write("ready\n");
  await new Promise<void>((resolve) => process.stdin.once("data", () => { resolve(); }));
  const results = await Promise.allSettled(Array.from({ length: callers }, () => coordinator.getToken(key)));
  const tokens = results.map((result) => (result.status === "fulfilled" ? result.value.accessToken.reveal() : `error:${String(result.reason)}`));
  process.stdout.write(`${JSON.stringify({ tokens: [...new Set(tokens)], renewals: coordinator.refreshCount })}\n`);
  process.exit(0);
}
