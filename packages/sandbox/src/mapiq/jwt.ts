import { createHmac, randomBytes } from "node:crypto";

const KEY = randomBytes(32);

/** An HS256-signed JWT with `claims` (Mapiq calls its tokens JWTs; the sandbox still validates by lookup). */
export function signJwt(claims: Record<string, unknown>): string {
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v), "utf8").toString("base64url");
  const head = `${enc({ alg: "HS256", typ: "JWT" })}.${enc(claims)}`;
  return `${head}.${createHmac("sha256", KEY).update(head).digest("base64url")}`;
}
