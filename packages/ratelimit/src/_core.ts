/**
 * The values this package takes from `@mly/auth-core`, imported in one place so a bundle holds a
 * single import of core.
 *
 * @module
 */
export { AbortedError, ConfigError, emitEvent, policyOfKey, QueueFullError, rateLimitTargets } from "@mly/auth-core";
