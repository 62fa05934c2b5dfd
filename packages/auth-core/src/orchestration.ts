/**
 * `@mly/auth-core/orchestration`: the parts of the core that run the flows over time, through the
 * ports: a single-flight {@link RefreshCoordinator} per token key (fresh tokens kept in process),
 * {@link createTokenRenewer} (renewal through an `HttpTransport`), the default in-memory
 * {@link MemoryTokenStore}, and {@link renewDue} for a cron job that renews every due token.
 * Still pure: the I/O happens in the ports the caller passes.
 *
 * @example Renew tokens on demand, one refresh at a time per key
 * ```ts
 * import { createClient, formatTokenKey, mapiq, type HttpTransport } from "@mly/auth-core";
 * import { createTokenRenewer, MemoryTokenStore, RefreshCoordinator } from "@mly/auth-core/orchestration";
 *
 * declare const transport: HttpTransport; // e.g. createKyTransport() of @mly/fetch
 * const client = createClient({ clientId: "id", clientSecret: "secret" });
 * const coordinator = new RefreshCoordinator({
 *   store: new MemoryTokenStore(),
 *   renew: createTokenRenewer({ profile: mapiq, client, transport }),
 * });
 * const token = await coordinator.getToken(formatTokenKey({ provider: "mapiq", clientId: "id" }));
 * ```
 *
 * @module
 */
export { MemoryTokenStore } from "./memory_store.ts";
export { createTokenRenewer, type TokenRenewer, type TokenRenewerOptions } from "./token_renewer.ts";
export {
  RefreshCoordinator,
  type GetTokenOptions,
  type RefreshCoordinatorOptions,
} from "./refresh_coordinator.ts";
export { renewDue, type RenewDueOptions, type RenewOutcome, type RenewReport } from "./renew_due.ts";
