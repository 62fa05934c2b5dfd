import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCommandLine, splitCommand } from "./options.ts";

describe("splitCommand", () => {
  it("finds the command after short and long global value flags, and after a leading --", () => {
    expect(splitCommand(["-p", "v2", "me"])).toEqual({ words: ["me"], rest: ["-p", "v2"] });
    expect(splitCommand(["--profile", "v2", "me", "--json"])).toEqual({ words: ["me"], rest: ["--profile", "v2", "--json"] });
    expect(splitCommand(["--profile=v2", "mapiq", "get", "/v2/buildings"])).toEqual({ words: ["mapiq", "get"], rest: ["--profile=v2", "/v2/buildings"] });
    expect(splitCommand(["--", "me"])).toEqual({ words: ["me"], rest: [] });
    expect(splitCommand(["images", "--bbox", "1,2,3,4"])).toEqual({ words: ["images"], rest: ["--bbox", "1,2,3,4"] });
  });

  it("property: any global options, in any order and spelling, before the command leave the command words alone", () => {
    const globalPair = fc.oneof(
      fc.tuple(fc.constantFrom("-p", "--profile", "--config-dir", "--sandbox-url", "--client-id"), fc.stringMatching(/^[a-z0-9][\w./:]{0,10}$/)).map(([flag, value]) => [flag, value]),
      fc.constantFrom(["--sandbox"], ["--no-color"]),
    );
    const command = fc.constantFrom(["me"], ["status"], ["mapiq", "token"], ["mapiq", "get"]);
    fc.assert(
      fc.property(fc.array(globalPair, { maxLength: 4 }), command, fc.boolean(), (pairs, words, dashDash) => {
        const before = pairs.flat();
        const argv = [...(dashDash ? ["--"] : []), ...before, ...words, "--json"];
        expect(splitCommand(argv)).toEqual({ words, rest: [...before, "--json"] });
      }),
    );
  });
});

describe("parseCommandLine", () => {
  it("suggests the closest option for a typo", () => {
    expect(() => parseCommandLine(["--jsno"], { json: { type: "boolean" } }, "mly me --help")).toThrow("Unknown option '--jsno'. Did you mean --json?\nSee `mly me --help`.");
    expect(() => parseCommandLine(["--bogus"], { json: { type: "boolean" } })).toThrow(/^Unknown option '--bogus'\.\nSee/);
  });
});
