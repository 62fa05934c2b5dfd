import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultTokenDirectory } from "./default_token_directory.ts";

describe("defaultTokenDirectory", () => {
  it("uses an absolute XDG_CONFIG_HOME", () => {
    expect(defaultTokenDirectory({ XDG_CONFIG_HOME: "/cfg", HOME: "/home/me" }, "linux")).toBe("/cfg/mly");
  });
  it("ignores a relative or empty XDG_CONFIG_HOME (XDG spec) and falls back to ~/.config", () => {
    expect(defaultTokenDirectory({ XDG_CONFIG_HOME: "rel", HOME: "/home/me" }, "linux")).toBe("/home/me/.config/mly");
    expect(defaultTokenDirectory({ XDG_CONFIG_HOME: "", HOME: "/home/me" }, "linux")).toBe("/home/me/.config/mly");
    expect(defaultTokenDirectory({}, "linux")).toBe(join(homedir(), ".config", "mly"));
  });
  it("uses %APPDATA% on Windows", () => {
    expect(defaultTokenDirectory({ APPDATA: "/appdata" }, "win32")).toBe(join("/appdata", "mly"));
  });
  it("reads process.env by default", () => {
    expect(defaultTokenDirectory()).toMatch(/mly$/);
  });
});
