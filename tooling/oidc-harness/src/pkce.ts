import { createHash, randomBytes } from "node:crypto";

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
  readonly method: "S256";
}

/** Makes a fresh PKCE pair, for tests that drive the server with plain `fetch`. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge, method: "S256" };
}
