/**
 * What the server keeps per browser, keyed by an opaque session id: a login in progress (the
 * pending authorization, never sent to the browser) or a signed-in user (whose tokens live in
 * the token store under `tokenKey`).
 *
 * @module
 */
import { randomBytes } from "node:crypto";

/** A login in progress: between the redirect to the consent page and the callback. */
export interface LoginSession {
  /** The discriminator. */
  readonly kind: "login";
  /** `serializePendingAuthorization(pending)` (state, redirect URI, scopes, PKCE verifier). */
  readonly pending: string;
  /** Same-origin path to go to after login. */
  readonly returnTo: string;
  /** When the login started, in ms. */
  readonly createdAt: number;
}

/** A signed-in user. */
export interface UserSession {
  /** The discriminator. */
  readonly kind: "user";
  /** The Mapillary user id (`/me`). */
  readonly userId: string;
  /** The Mapillary user name (`/me`), when known. */
  readonly username: string | undefined;
  /** The key of this session's tokens in the token store. */
  readonly tokenKey: string;
  /** When the user signed in, in ms. */
  readonly createdAt: number;
}

/** A server-side session. */
export type WebSession = LoginSession | UserSession;

/**
 * A new session id: 256 random bits, base64url. The id is the only thing the cookie holds.
 *
 * @example
 * ```ts
 * import { newSessionId } from "@mly/web";
 *
 * newSessionId().length; // 43
 * ```
 */
export function newSessionId(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Whether `text` has the shape of a session id from {@link newSessionId} (checked before any
 * store lookup, so a forged cookie never reaches Redis).
 *
 * @example
 * ```ts
 * import { isSessionId, newSessionId } from "@mly/web";
 *
 * isSessionId(newSessionId()); // true
 * isSessionId("../../etc"); // false
 * ```
 */
export function isSessionId(text: string | undefined): text is string {
  return text !== undefined && /^[A-Za-z0-9_-]{43}$/.test(text);
}

/**
 * Serializes a session for a store.
 *
 * @example
 * ```ts
 * import { parseSession, serializeSession } from "@mly/web";
 *
 * const text = serializeSession({ kind: "login", pending: "{}", returnTo: "/", createdAt: 0 });
 * parseSession(text)?.kind; // "login"
 * ```
 */
export function serializeSession(session: WebSession): string {
  return JSON.stringify({ v: 1, ...session });
}

/**
 * Reads a session written by {@link serializeSession}; `undefined` for anything else (a
 * corrupt or foreign value is treated as no session).
 *
 * @example
 * ```ts
 * import { parseSession } from "@mly/web";
 *
 * parseSession("not json"); // undefined
 * ```
 */
export function parseSession(text: string): WebSession | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v["v"] !== 1 || typeof v["createdAt"] !== "number" || !Number.isFinite(v["createdAt"])) return undefined;
  if (v["kind"] === "login") {
    if (typeof v["pending"] !== "string" || typeof v["returnTo"] !== "string") return undefined;
    return { kind: "login", pending: v["pending"], returnTo: v["returnTo"], createdAt: v["createdAt"] };
  }
  if (v["kind"] === "user") {
    if (typeof v["userId"] !== "string" || typeof v["tokenKey"] !== "string") return undefined;
    if (v["username"] !== undefined && typeof v["username"] !== "string") return undefined;
    return { kind: "user", userId: v["userId"], username: v["username"], tokenKey: v["tokenKey"], createdAt: v["createdAt"] };
  }
  return undefined;
}
