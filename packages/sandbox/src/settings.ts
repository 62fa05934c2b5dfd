/** How the Mapiq per-operation limiter counts (see `rate_window.ts`). */
export type RateShape = "sliding-log" | "fixed-window" | "weighted";

/** A limit of `limit` accepted requests per `windowMs`. */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/** The Mapiq (Azure API Management-like) per-operation limit. */
export interface ShapedWindowLimit extends WindowLimit {
  shape: RateShape;
}

/**
 * Everything a test may change while the sandbox runs. `startSandbox()` returns the live
 * object: assignments take effect on the next request.
 */
export interface SandboxSettings {
  /** Skip the consent page and approve at once (both Mapillary `/connect` endpoints). */
  autoApprove: boolean;
  /** Lifetime of authorization codes (Mapillary v4 and v2). */
  codeLifetimeSeconds: number;
  /** Lifetime of Mapillary v4 user access tokens (observed: about 60 days). */
  mapillaryTokenLifetimeSeconds: number;
  /**
   * The v4 refresh mode. Off (default, the official API docs): token responses carry no
   * `refresh_token` and a refresh takes the still-valid access token. On (seed 001): every token
   * response carries a separate single-use `refresh_token`, which a refresh then requires (an
   * access token is refused with `invalid_grant`); it outlives the access token.
   */
  mapillaryRefreshTokens: boolean;
  /** Per-app budget of Mapillary v4 graph calls (documented: 50,000 per minute). */
  mapillaryAppBudget: WindowLimit;
  /** Per-client limit of Mapillary v2 API calls (undocumented; answers 429). */
  mapillaryV2RateLimit: WindowLimit;
  /** Lifetime of Mapiq access tokens; reported in `expires_in` (Azure AD reports 3599). */
  mapiqTokenLifetimeSeconds: number;
  /** Per-client, per-operation Mapiq limit (documented default: 20 per minute). */
  mapiqRateLimit: ShapedWindowLimit;
  /**
   * Mapiq operations whose real limit deviates from `mapiqRateLimit` (seed 003: "some endpoint
   * can deviate"), keyed by `METHOD /template` relative to the API (`GET /v2/reports/{id}`); a
   * field left out is `mapiqRateLimit`'s. Default: `GET /v2/reports/{id}` allows 5 per window,
   * and nothing tells the client so.
   */
  mapiqRouteLimits: Record<string, Partial<ShapedWindowLimit>>;
}

/** A partial `SandboxSettings`, nested limits included. */
export interface SandboxSettingsInit {
  autoApprove?: boolean;
  codeLifetimeSeconds?: number;
  mapillaryTokenLifetimeSeconds?: number;
  mapillaryRefreshTokens?: boolean;
  mapillaryAppBudget?: Partial<WindowLimit>;
  mapillaryV2RateLimit?: Partial<WindowLimit>;
  mapiqTokenLifetimeSeconds?: number;
  mapiqRateLimit?: Partial<ShapedWindowLimit>;
  mapiqRouteLimits?: Record<string, Partial<ShapedWindowLimit>>;
}

/** The defaults, matching what the real services document or were observed doing. */
export function defaultSettings(): SandboxSettings {
  return {
    autoApprove: false,
    codeLifetimeSeconds: 60,
    mapillaryTokenLifetimeSeconds: 60 * 24 * 60 * 60,
    mapillaryRefreshTokens: false,
    mapillaryAppBudget: { limit: 50_000, windowMs: 60_000 },
    mapillaryV2RateLimit: { limit: 10_000, windowMs: 60_000 },
    mapiqTokenLifetimeSeconds: 3599,
    mapiqRateLimit: { limit: 20, windowMs: 60_000, shape: "sliding-log" },
    mapiqRouteLimits: { "GET /v2/reports/{id}": { limit: 5 } },
  };
}

/** Defaults overlaid with `init`, nested limits merged field by field. */
export function resolveSettings(init: SandboxSettingsInit = {}): SandboxSettings {
  const base = defaultSettings();
  return {
    autoApprove: init.autoApprove ?? base.autoApprove,
    codeLifetimeSeconds: init.codeLifetimeSeconds ?? base.codeLifetimeSeconds,
    mapillaryTokenLifetimeSeconds: init.mapillaryTokenLifetimeSeconds ?? base.mapillaryTokenLifetimeSeconds,
    mapillaryRefreshTokens: init.mapillaryRefreshTokens ?? base.mapillaryRefreshTokens,
    mapillaryAppBudget: { ...base.mapillaryAppBudget, ...defined(init.mapillaryAppBudget) },
    mapillaryV2RateLimit: { ...base.mapillaryV2RateLimit, ...defined(init.mapillaryV2RateLimit) },
    mapiqTokenLifetimeSeconds: init.mapiqTokenLifetimeSeconds ?? base.mapiqTokenLifetimeSeconds,
    mapiqRateLimit: { ...base.mapiqRateLimit, ...defined(init.mapiqRateLimit) },
    mapiqRouteLimits: { ...base.mapiqRouteLimits, ...init.mapiqRouteLimits },
  };
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
