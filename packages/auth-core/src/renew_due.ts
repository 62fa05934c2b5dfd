import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import { AbortedError, LoginRequiredError, MlyError, TransportError } from "./errors.ts";
import type { TokenStore } from "./ports.ts";
import type { RefreshCoordinator } from "./refresh_coordinator.ts";
import { isUsable, needsRefresh, type RefreshPolicy } from "./token_set.ts";

/**
 * What {@link renewDue} did with one stored user token:
 * - `renewed`: it was inside its refresh margin (or expired but refreshable) and is renewed now;
 * - `fresh`: not due yet, untouched;
 * - `login_required`: it cannot be renewed any more (expired Mapillary v4 token, revoked grant): the user must log in again;
 * - `failed`: it was due but the renewal failed for a passing reason (network, 5xx, throttle); the next run retries.
 */
export type RenewOutcome = "renewed" | "fresh" | "login_required" | "failed";

/** One line of the {@link renewDue} report. */
export interface RenewReport {
  /** The store key. */
  readonly key: string;
  /** What happened. */
  readonly outcome: RenewOutcome;
  /** The expiry of the token now stored (ms since the epoch; `null`: never). */
  readonly expiresAt: number | null;
  /** Why, for `login_required` and `failed`. */
  readonly error?: MlyError | undefined;
}

/** Options of {@link renewDue}. */
export interface RenewDueOptions {
  /**
   * Only keys starting with this (default: every key). One coordinator renews the tokens of one
   * app: pass its key prefix, e.g. `formatTokenKey({ provider: "mapillary", clientId }).split(":").slice(0, 2).join(":") + ":"`.
   */
  prefix?: string;
  /** The clock (default: the system clock); use the coordinator's. */
  clock?: Clock;
  /** When a token is due (default: the library's margin: 10 % of the lifetime, at most 7 days); use the coordinator's. */
  policy?: RefreshPolicy;
  /** Stops between keys. */
  signal?: AbortSignal;
}

/**
 * Renews every stored user token that is inside its refresh margin, once each, through the
 * coordinator (so under the store's lock, and not at all if another process renewed it
 * meanwhile), and reports per key. For Mapillary v4, whose still-valid token is what renews it,
 * run this regularly (a daily cron job): a token nobody uses then never dies idle.
 * App tokens (`client_app`, `client_token`) are skipped: they are re-obtained on demand.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore, RefreshCoordinator, renewDue, type TokenRenewer } from "@mly/auth-core/orchestration";
 *
 * declare const renew: TokenRenewer;
 * const store = new MemoryTokenStore();
 * const coordinator = new RefreshCoordinator({ store, renew });
 * for (const line of await renewDue(store, coordinator, { prefix: "mapillary:1234:" })) {
 *   if (line.outcome !== "fresh") console.log(line.key, line.outcome);
 * }
 * ```
 */
export async function renewDue(store: TokenStore, coordinator: RefreshCoordinator, options: RenewDueOptions = {}): Promise<RenewReport[]> {
  const clock = options.clock ?? systemClock;
  const reports: RenewReport[] = [];
  for (const key of await store.list(options.prefix)) {
    if (options.signal?.aborted === true) throw new AbortedError();
    const stored = await store.get(key);
    if (stored?.tokens.kind !== "user") continue;
    const before = stored.tokens;
    const now = clock.now();
    if (isUsable(before, now, options.policy?.clockSkewMs) && !needsRefresh(before, now, options.policy)) {
      reports.push({ key, outcome: "fresh", expiresAt: before.expiresAt });
      continue;
    }
    const attempts = coordinator.refreshCount;
    try {
      const after = await coordinator.getToken(key, options.signal === undefined ? {} : { signal: options.signal });
      const changed = !after.accessToken.equals(before.accessToken) || after.issuedAt !== before.issuedAt;
      // Same token back although a renewal was attempted: the coordinator kept the still-usable
      // token after a passing failure. Same token without an attempt: its policy says not due.
      const outcome: RenewOutcome = changed ? "renewed" : coordinator.refreshCount > attempts ? "failed" : "fresh";
      reports.push({ key, outcome, expiresAt: after.expiresAt });
    } catch (error) {
      if (error instanceof AbortedError) throw error;
      const typed = error instanceof MlyError ? error : new TransportError("the renewal failed; the next run retries", { cause: error });
      reports.push({ key, outcome: typed instanceof LoginRequiredError ? "login_required" : "failed", expiresAt: before.expiresAt, error: typed });
    }
  }
  return reports;
}
