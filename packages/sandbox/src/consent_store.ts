import { randomToken } from "./random.ts";

/** An authorization request waiting for the user's Approve / Deny. */
export interface ConsentRequest {
  readonly api: "mapillary" | "mapillary-v2";
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** As sent to `/connect`; `null` if absent. */
  readonly redirectUri: string | null;
  /** Where the answer goes (the sent one, or the registered default). */
  readonly deliverTo: string;
  readonly state: string | null;
  readonly responseType: "code" | "token";
}

const TTL_MS = 10 * 60 * 1000;

/** Pending consent screens, each answerable once within ten minutes. */
export class ConsentStore {
  readonly #pending = new Map<string, { request: ConsentRequest; expiresAt: number }>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Parks `request`, returning the id the consent form posts back. */
  open(request: ConsentRequest): string {
    const id = randomToken(18);
    this.#pending.set(id, { request, expiresAt: this.#now() + TTL_MS });
    return id;
  }

  /** Takes the request for `id` (once), or `undefined` if unknown, answered or stale. */
  take(id: string): ConsentRequest | undefined {
    const entry = this.#pending.get(id);
    this.#pending.delete(id);
    if (entry === undefined || this.#now() >= entry.expiresAt) return undefined;
    return entry.request;
  }
}
