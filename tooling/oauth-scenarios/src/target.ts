/** A client registered on a target server, as the scenarios need it. */
export interface TargetClient {
  readonly clientId: string;
  /** Absent for the public client. */
  readonly clientSecret?: string | undefined;
  readonly tokenEndpointAuthMethod: "client_secret_basic" | "client_secret_post" | "none";
  /** A registered redirect URI. */
  readonly redirectUri: string;
}

/** How the consent step should answer. */
export interface ConsentChoice {
  /** Deny: the callback carries `error=access_denied`. */
  readonly deny?: boolean;
  /** Grant only these of the requested scopes. */
  readonly grantScopes?: readonly string[];
}

/** A scenario the target cannot run, and why (shown as the skip reason). */
export type Unsupported = Readonly<Partial<Record<ScenarioId, string>>>;

/** The scenarios, by id (see `scenarios.ts` for what each proves). */
export type ScenarioId =
  | "code-basic"
  | "code-post"
  | "code-public"
  | "refresh-rotation"
  | "refresh-keeps-old"
  | "client-credentials"
  | "wrong-secret"
  | "reused-code"
  | "narrowed-scopes"
  | "access-denied"
  | "invalid-scope"
  | "concurrent-refresh"
  | "discovery"
  | "revocation"
  | "revoke-access-token";

/**
 * One OAuth server under test, behind the few things the scenarios cannot do through the SDK:
 * answer the consent step, count refreshes server-side, and say what it cannot do.
 */
export interface ScenarioTarget {
  /** The server's metadata document (RFC 8414 or OpenID discovery): the profile is built from it. */
  readonly metadataUrl: string;
  /** The issuer identifier, as `discoverProfile(issuer)` takes it. */
  readonly issuer: string;
  /** Whether revoking an access token also ends its grant, refresh token included (RFC 7009 §2.1 leaves it to the server). */
  readonly accessRevocationEndsGrant: boolean;
  /** `GET` with a bearer token → 200 `{sub, scope, …}`, or 401. */
  readonly resourceUrl: string;
  /** The account the consent step signs in. */
  readonly subject: string;
  /** Scopes the profile knows. */
  readonly scopes: readonly string[];
  readonly clients: {
    readonly basic: TargetClient;
    readonly post: TargetClient;
    readonly public: TargetClient;
    /** Client credentials. */
    readonly service: TargetClient;
    /** A code client whose refresh responses carry no `refresh_token`; `undefined` if the server has none. */
    readonly keep: TargetClient | undefined;
  };
  /** Scope narrowing: requesting `requested` with `consent` yields exactly `granted`. */
  readonly narrowing: {
    readonly requested: readonly string[];
    readonly consent: ConsentChoice;
    readonly granted: readonly string[];
  };
  /** The server's `error_description` for a code exchanged twice. */
  readonly reusedCodeDescription: string;
  /** A scope the profile may request but the authorization endpoint refuses (`invalid_scope`). */
  readonly refusedScope: string;
  /** Sends an authorization URL through the consent step; returns the callback URL. */
  authorize(url: string, consent?: ConsentChoice): Promise<string>;
  /** Refresh-token grant requests the server has received so far (failed ones too). */
  refreshRequests(): Promise<number>;
  close(): Promise<void>;
}
