import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { requireSecret, createClient } from "./client.ts";
import { ConfigError } from "./errors.ts";
import { Secret } from "./secret.ts";
import { caught } from "./_test_util.ts";

describe("createClient", () => {
  it("wraps the secret and client token so they never print", () => {
    const client = createClient({ clientId: "1234", clientSecret: "MLY|1234|topsecret", clientToken: "MLY|1234|clienttok" });
    expect(client.clientSecret?.reveal()).toBe("MLY|1234|topsecret");
    expect(JSON.stringify(client)).toBe('{"clientId":"1234","clientSecret":"[redacted]","clientToken":"[redacted]"}');
    expect(inspect(client, { depth: Infinity, showHidden: true })).not.toContain("topsecret");
    expect(Object.isFrozen(client)).toBe(true);
    expect(createClient(client).clientSecret).toBe(client.clientSecret);
    const secret = new Secret("s");
    expect(createClient({ clientId: "x", clientSecret: secret }).clientSecret).toBe(secret);
  });

  it("rejects an empty client id", () => {
    expect(caught(() => createClient({ clientId: " " }))).toBeInstanceOf(ConfigError);
  });

  it("requireSecret says the secret is needed", () => {
    const error = caught(() => requireSecret(createClient({ clientId: "x" }), "Mapiq"));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("clientSecret");
  });
});
