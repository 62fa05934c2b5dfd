import type { CodeStore } from "./code_store.ts";
import type { ConsentStore } from "./consent_store.ts";
import type { SandboxCredentials } from "./credentials.ts";
import type { Dataset } from "./dataset.ts";
import type { RateWindow } from "./rate_window.ts";
import type { RedirectPolicy } from "./redirect_policy.ts";
import type { SandboxSettings } from "./settings.ts";
import type { TokenStore } from "./token_store.ts";

/** The one signed-in demo user behind every consent screen. */
export interface SandboxUser {
  id: string;
  username: string;
  email: string;
}

/** Everything the handlers share. */
export interface SandboxState {
  readonly now: () => number;
  readonly settings: SandboxSettings;
  readonly credentials: SandboxCredentials;
  readonly appName: string;
  readonly user: SandboxUser;
  readonly redirects: RedirectPolicy;
  readonly tokens: TokenStore;
  readonly codes: CodeStore;
  readonly consents: ConsentStore;
  readonly dataset: Dataset;
  /** Per-key limiters: Mapiq operations, Mapillary v2 clients, the Mapillary v4 app budget. */
  readonly limits: RateWindow;
}
