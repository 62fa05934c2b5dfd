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
    } finally {
      await sb.close();
    }
  });
});
