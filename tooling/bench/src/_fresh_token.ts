import { Secret, type TokenSet } from "@mly/auth-core";

const DAY_MS = 86_400_000;

/** What a bench's stored token varies in; the rest is a plain bearer token with no refresh token. */
export interface FreshTokenOptions {
  /** When it was issued (it expires a day later). */
  now: number;
  kind: TokenSet["kind"];
  provider: string;
}

/** A token set fresh for a day from `now`: what the benches put in a store before their warm rounds. */
export function freshTokenSet(accessToken: string, options: FreshTokenOptions): TokenSet {
  return {
    kind: options.kind,
    accessToken: new Secret(accessToken),
    tokenType: "bearer",
    refreshToken: undefined,
    scopes: [],
    issuedAt: options.now,
    expiresAt: options.now + DAY_MS,
    notBefore: undefined,
    provider: options.provider,
    issuer: undefined,
    subject: undefined,
  };
}
