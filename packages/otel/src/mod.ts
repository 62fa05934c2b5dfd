/**
 * `@mly/otel`: the OpenTelemetry adapter of mly. {@link createOtelListener} turns the typed
 * events of the refresh coordinator, the rate limiters and `authFetch` (`MlyEvent` of
 * `@mly/auth-core`) into counters, histograms and a span per token request. It imports only
 * types from `@opentelemetry/api` (an optional peer): pass your meter and tracer.
 *
 * @example
 * ```ts
 * import { metrics, trace } from "@opentelemetry/api";
 * import { createOtelListener } from "@mly/otel";
 *
 * const onEvent = createOtelListener({ meter: metrics.getMeter("mly"), tracer: trace.getTracer("mly") });
 * ```
 *
 * @module
 */
export { createOtelListener, OTEL_INSTRUMENTS, type OtelListenerOptions } from "./otel_listener.ts";
