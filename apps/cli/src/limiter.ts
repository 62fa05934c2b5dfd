import { ConfigError, type AcquireOptions, type ProviderProfile, type RateLimitPermit, type RateLimiter } from "@mly/auth-core";
import { createRateLimiter } from "@mly/ratelimit";

/**
 * The rate limiter of a provider: one `@mly/ratelimit` limiter per documented policy of the
 * profile (even spacing with a margin, so the quota is used without a 429), routed by the keys
 * `@mly/fetch` sends (`<provider>:<policy>` for per-app budgets, `<provider>:<policy>:<METHOD
 * /route>` per operation — each key gets its own budget).
 *
 * @example
 * ```ts
 * import { mapiq } from "@mly/auth-core";
 * import { limiterFor } from "./limiter.ts";
 *
 * const limiter = limiterFor(mapiq);
 * const permit = await limiter.acquire("mapiq:endpoint:GET /v2/buildings");
 * await permit.settle({ status: 200 });
 * ```
 */
export function limiterFor(profile: ProviderProfile): RateLimiter {
  const byPolicy = new Map<string, RateLimiter>();
  for (const policy of profile.rateLimits) byPolicy.set(policy.name, createRateLimiter({ limit: policy.limit, windowMs: policy.windowMs }));
  const pick = (key: string): RateLimiter => {
    const policy = key.startsWith(`${profile.id}:`) ? key.slice(profile.id.length + 1).split(":", 1)[0] : undefined;
    const limiter = policy === undefined ? undefined : byPolicy.get(policy);
    if (limiter === undefined) throw new ConfigError(`No rate-limit policy of ${profile.name} matches the key ${JSON.stringify(key)}.`);
    return limiter;
  };
  return {
    acquire(key: string, options?: AcquireOptions): Promise<RateLimitPermit> {
      return pick(key).acquire(key, options);
    },
    pause(key: string, waitMs: number): void | Promise<void> {
      return pick(key).pause(key, waitMs);
    },
  };
}
