import { describe, expect, it } from "vitest";
import { parseBody } from "./body.ts";

describe("parseBody", () => {
  it("reads JSON objects, stringifying numbers", () => {
    const b = parseBody("application/json; charset=utf-8", '{"client_id":1234,"code":"x"}');
    expect(b.type).toBe("json");
    expect(Object.fromEntries(b.fields)).toEqual({ client_id: "1234", code: "x" });
  });

  it("reads forms", () => {
    const b = parseBody("application/x-www-form-urlencoded", "a=1&b=%7C");
    expect(b.type).toBe("form");
    expect(b.fields.get("b")).toBe("|");
  });

  it("flags invalid, unsupported and empty bodies", () => {
    expect(parseBody("application/json", "[1]").type).toBe("invalid");
    expect(parseBody("application/json", "{").type).toBe("invalid");
    expect(parseBody("application/json", '{"a":{"b":1}}').type).toBe("invalid");
    expect(parseBody("text/plain", "a=1").type).toBe("unsupported");
    expect(parseBody(undefined, "").type).toBe("empty");
  });
});
