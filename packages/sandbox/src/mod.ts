/**
 * `@mly/sandbox`: a loopback emulator of the Mapillary v4, Mapillary v2 (legacy) and Mapiq
 * authorization servers and APIs, quirks included, with a request log and fault injection.
 *
 * @example
 * ```ts
 * import { startSandbox } from "@mly/sandbox";
 * const sandbox = await startSandbox({ autoApprove: true });
 * const res = await fetch(`${sandbox.endpoints.mapillary.apiBaseUrl}/images?bbox=-89.41,43.06,-89.39,43.08`, {
 *   headers: { Authorization: `OAuth ${sandbox.credentials.mapillary.clientToken}` },
 * });
 * await sandbox.close();
 * ```
 *
 * @module
 */
export { startSandbox } from "./sandbox.ts";
export type { Sandbox, SandboxOptions } from "./sandbox.ts";
export type { SandboxEndpoints } from "./endpoints.ts";
export type { SandboxCredentials, SandboxCredentialsInit } from "./credentials.ts";
export { defaultSettings } from "./settings.ts";
export type { RateShape, SandboxSettings, SandboxSettingsInit, ShapedWindowLimit, WindowLimit } from "./settings.ts";
export type { LogEntry, LogFilter, RequestLog } from "./request_log.ts";
export type { Fault, FaultHandle, FaultInjector, FaultKind, FaultSpec, FaultTarget } from "./fault_types.ts";
export type { ApiName, CredentialKind, CredentialLocation } from "./http_types.ts";
export type { SandboxUser } from "./state.ts";
export type { Dataset, SandboxImage } from "./dataset.ts";
export { DATASET_BBOX } from "./dataset.ts";
export { fingerprint } from "./fingerprint.ts";
export { MAPIQ_SCOPE } from "./mapiq/token.ts";
