import { randomBytes } from "node:crypto";

/** `bytes` random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** `bytes` random bytes as unpadded base64url. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

/** A random decimal string of `digits` digits, never starting with 0. */
export function randomDigits(digits: number): string {
  const bytes = randomBytes(digits);
  let out = String(1 + (bytes[0] ?? 0) % 9);
  for (let i = 1; i < digits; i++) out += String((bytes[i] ?? 0) % 10);
  return out;
}
