import { afterEach, describe, expect, it, vi } from "vitest";

import { authlibInstalled, authlibOrSkip, DEBIAN_PYTHON } from "./python.ts";

const NO_AUTHLIB = "/usr/bin/false"; // an "interpreter" that can import nothing

describe("authlibOrSkip", () => {
  const ci = process.env["CI"];

  afterEach(() => {
    if (ci === undefined) delete process.env["CI"];
    else process.env["CI"] = ci;
    vi.restoreAllMocks();
  });

  it("runs the tests with Debian's python3 when it can import authlib and flask", () => {
    expect(DEBIAN_PYTHON).toBe("/usr/bin/python3");
    expect(authlibOrSkip()).toBe(authlibInstalled());
  });

  it("without Authlib, skips loudly (says how to install it)", () => {
    delete process.env["CI"];
    const notice = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(authlibOrSkip(NO_AUTHLIB)).toBe(false);
    expect(notice).toHaveBeenCalledWith(expect.stringContaining("AUTHLIB TESTS SKIPPED"));
    expect(notice).toHaveBeenCalledWith(expect.stringContaining("apt-get install -y python3-authlib python3-flask"));
  });

  it("without Authlib under CI, fails instead of skipping", () => {
    process.env["CI"] = "true";
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(() => authlibOrSkip(NO_AUTHLIB)).toThrow(/CI is set: refusing to skip/);
  });
});
