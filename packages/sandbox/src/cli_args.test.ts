import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./cli_args.ts";

describe("parseCliArgs", () => {
  it("reads the flags with defaults", () => {
    expect(parseCliArgs([])).toEqual({ port: 0, host: "127.0.0.1", autoApprove: false, refreshTokens: false, redirectUris: [], quiet: false, help: false });
    expect(parseCliArgs(["--port", "8123", "--auto-approve", "--quiet"])).toMatchObject({ port: 8123, autoApprove: true, quiet: true });
    expect(parseCliArgs(["--port=9000"]).port).toBe(9000);
  });

  it("reads the refresh mode and repeated redirect URIs", () => {
    const args = parseCliArgs(["--refresh-tokens", "--redirect-uri", "https://app.example/callback", "--redirect-uri=http://127.0.0.1:9000/cb"]);
    expect(args).toMatchObject({ refreshTokens: true, redirectUris: ["https://app.example/callback", "http://127.0.0.1:9000/cb"] });
    expect(() => parseCliArgs(["--redirect-uri", "not a url"])).toThrow(/invalid --redirect-uri: not a url/);
  });

  it("rejects bad ports and unknown flags", () => {
    expect(() => parseCliArgs(["--port", "x"])).toThrow(/invalid --port/);
    expect(() => parseCliArgs(["--port", "70000"])).toThrow();
    expect(() => parseCliArgs(["--nope"])).toThrow();
  });
});
