import { execFileSync } from "node:child_process";
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

  it("also prints the URL and credentials as export lines that a shell accepts as pasted", async () => {
    const sb = await startSandbox();
    try {
      const lines = banner(sb).split("\n").filter((line) => line.startsWith("export "));
      expect(lines.map((line) => /^export (\w+)=/.exec(line)?.[1])).toEqual([
        "MLY_SANDBOX_URL",
        "MAPILLARY_CLIENT_ID",
        "MAPILLARY_CLIENT_SECRET",
        "MAPILLARY_CLIENT_TOKEN",
        "MAPILLARY_V2_CLIENT_ID",
        "MAPILLARY_V2_CLIENT_SECRET",
        "MAPIQ_CLIENT_ID",
        "MAPIQ_CLIENT_SECRET",
      ]);
      const script = `${lines.join("\n")}\nnode -e 'console.log(JSON.stringify(process.env))'`;
      const env = JSON.parse(execFileSync("sh", ["-c", script], { encoding: "utf8", env: { PATH: process.env["PATH"] ?? "" } })) as Record<string, string>;
      const c = sb.credentials;
      expect(env).toMatchObject({
        MLY_SANDBOX_URL: sb.url,
        MAPILLARY_CLIENT_ID: c.mapillary.clientId,
        MAPILLARY_CLIENT_SECRET: c.mapillary.clientSecret,
        MAPILLARY_CLIENT_TOKEN: c.mapillary.clientToken,
        MAPILLARY_V2_CLIENT_ID: c.mapillaryV2.clientId,
        MAPILLARY_V2_CLIENT_SECRET: c.mapillaryV2.clientSecret,
        MAPIQ_CLIENT_ID: c.mapiq.clientId,
        MAPIQ_CLIENT_SECRET: c.mapiq.clientSecret,
      });
    } finally {
      await sb.close();
    }
  });
});
