import { describe, expect, it } from "vitest";
import { banner } from "./banner.ts";
import { startSandbox } from "./sandbox.ts";

describe("banner", () => {
  it("prints every endpoint and the demo credentials", async () => {
    const sb = await startSandbox({ autoApprove: true });
    try {
      const text = banner(sb);
      const { mapillary, mapillaryV2, mapiq } = sb.endpoints;
      const c = sb.credentials;
      const values: string[] = [
        ...Object.values(mapillary),
        ...Object.values(mapillaryV2),
        ...Object.values(mapiq),
        ...Object.values(c.mapillary),
        ...Object.values(c.mapillaryV2),
        ...Object.values(c.mapiq),
      ];
      expect(values).toHaveLength(9 + 7);
      for (const value of values) expect(text).toContain(value);
      expect(text).toContain("auto-approve");
      expect(text).toContain("refresh with           the still-valid access token (official API docs)");
      expect(text).not.toContain("authenticationUrl");
    } finally {
      await sb.close();
    }
  });

  it("prints the Authentication URL for a registered callback and the seed-001 refresh mode", async () => {
    const sb = await startSandbox({ redirectUris: ["https://app.example/callback"], settings: { mapillaryRefreshTokens: true } });
    try {
      const text = banner(sb, ["https://app.example/callback"]);
      expect(text).toContain(`authenticationUrl      ${sb.endpoints.mapillary.authorizationEndpoint}?client_id=${sb.credentials.mapillary.clientId}\n`);
      expect(text).toContain("refresh with           separate single-use refresh_token (seed 001)");
      expect(text).toContain("Redirect URIs: https://app.example/callback, or any");
    } finally {
      await sb.close();
    }
  });
});
