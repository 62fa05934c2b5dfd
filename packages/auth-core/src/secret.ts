import { defineInspect } from "./_inspect.ts";
/**
 * A value that must never be printed: an access token, a refresh token, a client secret,
 * an authorization code or a PKCE verifier.
 *
 * `String(secret)`, template literals, `JSON.stringify` and Node's `util.inspect` all show
 * `[redacted]`; only {@link Secret.reveal} returns the value, so every place that sends a
 * secret over the wire is greppable.
 *
 * @example
 * ```ts
 * import { Secret } from "@mly/auth-core";
 *
 * const secret = new Secret("MLY|1234|abcdef");
 * console.log(`${secret}`); // "[redacted]"
 * console.log(JSON.stringify({ secret })); // {"secret":"[redacted]"}
 * secret.reveal(); // "MLY|1234|abcdef"
 * ```
 */
export class Secret {
  readonly #value: string;

  /** Wraps `value`; the value is readable only through {@link Secret.reveal}. */
  constructor(value: string) {
    this.#value = value;
  }

  /** Returns the secret value. Call it only where the value goes on the wire or to storage. */
  reveal(): string {
    return this.#value;
  }

  /** Whether two secrets hold the same value, compared in constant time for equal lengths. */
  equals(other: Secret): boolean {
    return constantTimeEqual(this.#value, other.#value);
  }

  /** Always `[redacted]`. */
  toString(): string {
    return REDACTED;
  }

  /** Always `[redacted]`. */
  toJSON(): string {
    return REDACTED;
  }

  /** Always `[redacted]`. */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }


}

defineInspect(Secret.prototype, () => REDACTED);

/** What every redacted value prints as. */
export const REDACTED = "[redacted]";

/** Wraps a string in a {@link Secret}, or returns the secret unchanged. */
export function toSecret(value: string | Secret): Secret {
  return value instanceof Secret ? value : new Secret(value);
}

/** Compares two strings without an early exit on the first differing character. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}
