import { encodeBase64url } from "./_base64url.ts";
import { Secret } from "./secret.ts";

/** A PKCE pair (RFC 7636): the verifier stays with the client, the challenge goes in the authorization URL. */
export interface Pkce {
  /** The code verifier: 43 characters of base64url from 32 random bytes. */
  readonly verifier: Secret;
  /** `BASE64URL(SHA-256(verifier))`. */
  readonly challenge: string;
  /** Always `S256`; `plain` is never used. */
  readonly method: "S256";
}

/**
 * Creates a random state or nonce: 32 bytes (256 bits) from `crypto.getRandomValues`, base64url.
 *
 * @example
 * ```ts
 * import { randomState } from "@mly/auth-core";
 *
 * randomState().length; // 43
 * ```
 */
export function randomState(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * Creates a PKCE S256 pair through Web Crypto.
 *
 * @example
 * ```ts
 * import { createPkce } from "@mly/auth-core";
 *
 * const pkce = await createPkce();
 * pkce.method; // "S256"
 * ```
 */
export async function createPkce(): Promise<Pkce> {
  const verifier = randomState();
  return { verifier: new Secret(verifier), challenge: await pkceChallenge(verifier), method: "S256" };
}

/** Computes the S256 challenge of a verifier. */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return encodeBase64url(new Uint8Array(digest));
}
