import { createHash } from "node:crypto";

/**
 * A short, non-reversible fingerprint of a secret (first 12 hex digits of its SHA-256), so the
 * request log can tell tokens apart without ever holding one.
 */
export function fingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 12);
}
