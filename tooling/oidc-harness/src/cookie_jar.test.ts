import { describe, expect, it } from "vitest";

import { CookieJar } from "./cookie_jar.ts";

function headers(...cookies: string[]): Headers {
  const h = new Headers();
  for (const cookie of cookies) h.append("set-cookie", cookie);
  return h;
}

describe("CookieJar", () => {
  it("is empty at first", () => {
    expect(new CookieJar().header()).toBeUndefined();
  });

  it("keeps name=value pairs, replaces by name, and drops expired or emptied cookies", () => {
    const jar = new CookieJar();
    jar.store(headers("_interaction=abc; path=/interaction/x; httponly; samesite=lax", "_session=s1; path=/", "gone=1"));
    jar.store(headers("_session=s2; path=/", "gone=; expires=Thu, 01 Jan 1970 00:00:00 GMT", "x=1; Max-Age=0"));
    expect(jar.header()).toBe("_interaction=abc; _session=s2");
    expect(jar.names()).toEqual(["_interaction", "_session"]);
  });
});
