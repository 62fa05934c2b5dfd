import { createClient, mapillary } from "@mly/auth-core";
import { describe, expect, it } from "vitest";
import { loopbackLogin } from "./loopback_login.ts";

const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

describe("loopbackLogin", () => {
  it("when showing the URL fails, it rejects with that error and leaves no timer or listener behind", async () => {
    const before = timers();
    const failure = new Error("no terminal");
    await expect(
      loopbackLogin({
        profile: mapillary,
        client: createClient({ clientId: "1234" }),
        port: 0,
        timeoutMs: 60_000,
        onAuthorizationUrl: () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(timers()).toBe(before);
  });
});
