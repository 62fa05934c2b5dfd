import { randomToken } from "./random.ts";

/** An authorization code and the request it answers. */
export interface CodeGrant {
  readonly api: "mapillary" | "mapillary-v2";
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The `redirect_uri` sent to `/connect`, or `null` if none was (then the registered one was used). */
  readonly redirectUri: string | null;
  /** Where the code was actually delivered. */
  readonly deliveredTo: string;
  readonly expiresAt: number;
}

/** Why a code was refused. */
export type CodeRedemption = { ok: true; grant: CodeGrant } | { ok: false; reason: "unknown" | "used" | "expired" };

/** Single-use, short-lived authorization codes. */
export class CodeStore {
  readonly #codes = new Map<string, { grant: CodeGrant; used: boolean }>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Issues a fresh code for `grant`. */
  issue(grant: CodeGrant): string {
    const code = randomToken(24);
    this.#codes.set(code, { grant, used: false });
    return code;
  }

  /** Redeems `code` once: a second redemption or a late one fails. */
  redeem(code: string): CodeRedemption {
    const entry = this.#codes.get(code);
    if (entry === undefined) return { ok: false, reason: "unknown" };
    if (entry.used) return { ok: false, reason: "used" };
    entry.used = true;
    if (this.#now() >= entry.grant.expiresAt) return { ok: false, reason: "expired" };
    return { ok: true, grant: entry.grant };
  }
}
