/** Which service issued a token. */
export type TokenApi = "mapillary" | "mapillary-v2" | "mapiq";

/** What a token is: a user's, an app's (client credentials), the app's client token, or a refresh token. */
export type TokenKind = "user" | "app" | "client" | "refresh";

/** What the sandbox remembers about a token it issued. */
export interface TokenRecord {
  readonly value: string;
  readonly api: TokenApi;
  readonly kind: TokenKind;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly issuedAt: number;
  /** Epoch ms, or `null` for tokens that never expire. */
  expiresAt: number | null;
  revoked: boolean;
  /** For refresh tokens: already exchanged. */
  used: boolean;
}

/** The result of looking a presented token up. */
export type TokenLookup =
  | { status: "valid"; record: TokenRecord }
  | { status: "expired" | "revoked"; record: TokenRecord }
  | { status: "unknown" };

/** Every token the sandbox issued, keyed by value. */
export class TokenStore {
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Registers a token. */
  add(record: Omit<TokenRecord, "revoked" | "used">): TokenRecord {
    const full: TokenRecord = { ...record, revoked: false, used: false };
    this.#tokens.set(full.value, full);
    return full;
  }

  /** Looks a presented value up, judging expiry by the sandbox clock. */
  lookup(value: string): TokenLookup {
    const record = this.#tokens.get(value);
    if (record === undefined) return { status: "unknown" };
    if (record.revoked || record.used) return { status: "revoked", record };
    if (record.expiresAt !== null && this.#now() >= record.expiresAt) return { status: "expired", record };
    return { status: "valid", record };
  }

  /** Revokes one token; `false` if the sandbox never issued it. */
  revoke(value: string): boolean {
    const record = this.#tokens.get(value);
    if (record === undefined) return false;
    record.revoked = true;
    return true;
  }

  /** Expires one token now; `false` if the sandbox never issued it. */
  expire(value: string): boolean {
    const record = this.#tokens.get(value);
    if (record === undefined || record.kind === "client") return false;
    record.expiresAt = this.#now();
    return true;
  }

  /** Expires every issued token (v2's never-expiring ones too), but not the app client token. Returns how many. */
  expireAll(): number {
    let n = 0;
    for (const record of this.#tokens.values()) if (this.expire(record.value)) n++;
    return n;
  }
}
