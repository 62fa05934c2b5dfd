import { generateKeyPairSync, randomUUID } from "node:crypto";

/** A private JWK as oidc-provider takes it in `jwks.keys`. */
export interface PrivateJwk {
  readonly kty: string;
  readonly kid: string;
  readonly use: "sig";
  readonly alg: string;
  readonly [member: string]: unknown;
}

/**
 * The signing keys of one server: an RSA key (RS256, the default for ID tokens) and an EC key
 * (ES256), made once when the server starts so that the server never falls back to
 * oidc-provider's development keys.
 */
export function generateJwks(): { keys: PrivateJwk[] } {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  return {
    keys: [
      { ...rsa, kty: "RSA", kid: `rsa-${randomUUID()}`, use: "sig", alg: "RS256" },
      { ...ec, kty: "EC", kid: `ec-${randomUUID()}`, use: "sig", alg: "ES256" },
    ],
  };
}
