/** Shared fixtures of the auth-core tests (excluded from the build and from coverage). */
import { expect } from "vitest";
import { MlyError } from "./errors.ts";
import type { HttpResponseData } from "./http.ts";
import { Secret } from "./secret.ts";
import type { TokenSet } from "./token_set.ts";

export const V4_SECRET = "MLY|1234|0123456789abcdef0123456789abcdef";
export const CLIENT_TOKEN = "MLY|1234|fedcba9876543210fedcba9876543210";
export const REDIRECT = "http://127.0.0.1:8765/callback";

/** Runs `fn`; passes when it returns or throws an MlyError, rethrows anything else. */
export function valueOrMlyError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof MlyError)) throw error;
  }
}

/** Catches what `fn` throws (fails when it does not throw). */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  expect.fail("expected a throw");
}

/** Catches what a promise rejects with. */
export async function rejected(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail("expected a rejection");
}

/** A token set with sensible defaults. */
export function tokenSet(overrides: Partial<TokenSet> = {}): TokenSet {
  return {
    kind: "user",
    accessToken: new Secret("access-token-value-1"),
    tokenType: "bearer",
    refreshToken: undefined,
    scopes: ["read"],
    issuedAt: 0,
    expiresAt: 3_600_000,
    notBefore: undefined,
    provider: "mapillary",
    issuer: undefined,
    subject: undefined,
    ...overrides,
  };
}

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseData {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export { FakeTransport } from "./fake_transport.ts";

/** Parses a form body. */
export function form(body: string | undefined): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body ?? ""));
}
