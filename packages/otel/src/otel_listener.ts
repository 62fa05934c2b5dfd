import type { MlyEvent, MlyEventListener } from "@mly/auth-core";
import type { Attributes, Counter, Histogram, Meter, Span, SpanKind, SpanStatusCode, Tracer } from "@opentelemetry/api";

/** Options of {@link createOtelListener}. */
export interface OtelListenerOptions {
  /** Where counters and histograms are recorded, e.g. `metrics.getMeter("mly")`. */
  meter?: Meter | undefined;
  /** Where the span of each token request goes, e.g. `trace.getTracer("mly")`. */
  tracer?: Tracer | undefined;
  /**
   * Put the token key (`mapiq:<client id>:default`, a user id for user tokens) on refresh metrics
   * as `mly.token.key` (default `false`: only `mly.provider`, the key's first part, so a web app
   * with many users does not make one series per user). Spans always carry the key.
   */
  tokenKeyInMetrics?: boolean;
}

/** The instruments {@link createOtelListener} records, by name. */
export const OTEL_INSTRUMENTS = {
  /** Counter: token requests, by `mly.outcome`. */
  refreshCount: "mly.refresh.count",
  /** Histogram (ms): duration of token requests. */
  refreshDuration: "mly.refresh.duration",
  /** Counter: token store failures. */
  storeErrorCount: "mly.store.error.count",
  /** Histogram (ms): waits for a rate-limit slot. */
  limiterWaitDuration: "mly.limiter.wait.duration",
  /** Counter: keys frozen on a server's request. */
  limiterPauseCount: "mly.limiter.pause.count",
  /** Counter: throttle answers seen. */
  throttleCount: "mly.throttle.count",
  /** Histogram (ms): API request attempts. */
  requestDuration: "mly.request.duration",
  /** The span of one token request. */
  tokenRequestSpan: "mly.token.request",
} as const;

interface InstrumentSet {
  refreshCount: Counter;
  refreshDuration: Histogram;
  storeErrors: Counter;
  limiterWait: Histogram;
  limiterPauses: Counter;
  throttles: Counter;
  requestDuration: Histogram;
}

/** OpenTelemetry's `SpanStatusCode.ERROR` and `SpanKind.CLIENT`, as numbers: this package imports only types from the API. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the enum's value: only its type is imported (the API is an optional peer)
const STATUS_ERROR = 2 as SpanStatusCode;
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- as above
const KIND_CLIENT = 2 as SpanKind;

/**
 * An event listener that records mly's events with OpenTelemetry: counters and histograms on
 * `meter`, and a span per token request (`mly.token.request`, from `refresh.start` to its
 * `refresh.success` or `refresh.failure`) on `tracer`. Attributes are keys, statuses and stable
 * codes only: an event never holds a token, and neither does a metric or a span. Pass it as
 * `onEvent` to `createApiClient`, `RefreshCoordinator`, `createRateLimiter`, `policiesFor` or
 * `RedisRateLimiter`.
 *
 * Instruments: `mly.refresh.count` (`mly.outcome`, `error.type`), `mly.refresh.duration` (ms),
 * `mly.store.error.count`, `mly.limiter.wait.duration` (ms, `mly.rate_limit.key`),
 * `mly.limiter.pause.count`, `mly.throttle.count` (`http.response.status_code`,
 * `mly.throttle.reason`), `mly.request.duration` (ms, `http.request.method`,
 * `http.response.status_code`).
 *
 * @example
 * ```ts
 * import { metrics, trace } from "@opentelemetry/api";
 * import { mapiq } from "@mly/auth-core";
 * import { createApiClient } from "@mly/fetch";
 * import { createOtelListener } from "@mly/otel";
 *
 * const onEvent = createOtelListener({ meter: metrics.getMeter("mly"), tracer: trace.getTracer("mly") });
 * const api = createApiClient({ profile: mapiq, client: { clientId: "id", clientSecret: "secret" }, onEvent });
 * ```
 */
export function createOtelListener(options: OtelListenerOptions): MlyEventListener {
  const meter = options.meter;
  const tracer = options.tracer;
  const instruments = meter === undefined ? undefined : createInstruments(meter);
  const keyInMetrics = options.tokenKeyInMetrics === true;
  /** Open token-request spans per token key, oldest first (a coordinator runs one renewal per key at a time). */
  const open = new Map<string, Span[]>();

  const tokenAttributes = (key: string): Attributes => (keyInMetrics ? { "mly.provider": providerOfKey(key), "mly.token.key": key } : { "mly.provider": providerOfKey(key) });

  const endSpan = (key: string, end: (span: Span) => void): void => {
    const spans = open.get(key);
    const span = spans?.shift();
    if (spans?.length === 0) open.delete(key);
    if (span === undefined) return;
    end(span);
    span.end();
  };

  return (event: MlyEvent): void => {
    switch (event.type) {
      case "refresh.start": {
        if (tracer === undefined) return;
        const span = tracer.startSpan(OTEL_INSTRUMENTS.tokenRequestSpan, { kind: KIND_CLIENT, attributes: { "mly.token.key": event.key, "mly.provider": providerOfKey(event.key) } });
        const spans = open.get(event.key);
        if (spans === undefined) open.set(event.key, [span]);
        else spans.push(span);
        return;
      }
      case "refresh.success": {
        instruments?.refreshCount.add(1, { ...tokenAttributes(event.key), "mly.outcome": "success" });
        instruments?.refreshDuration.record(event.durationMs, { ...tokenAttributes(event.key), "mly.outcome": "success" });
        endSpan(event.key, (span) => {
          span.setAttribute("mly.outcome", "success");
        });
        return;
      }
      case "refresh.failure": {
        const failure: Attributes = { "mly.outcome": "failure", "error.type": event.code };
        if (event.error !== undefined) failure["mly.oauth.error"] = event.error;
        if (event.status !== undefined) failure["http.response.status_code"] = event.status;
        instruments?.refreshCount.add(1, { ...tokenAttributes(event.key), ...failure });
        instruments?.refreshDuration.record(event.durationMs, { ...tokenAttributes(event.key), "mly.outcome": "failure" });
        endSpan(event.key, (span) => {
          span.setAttributes(failure);
          span.setStatus({ code: STATUS_ERROR, message: event.error ?? event.code });
        });
        return;
      }
      case "store.error":
        instruments?.storeErrors.add(1, { ...tokenAttributes(event.key), "error.type": event.code });
        return;
      case "limiter.wait":
        instruments?.limiterWait.record(event.durationMs, { "mly.rate_limit.key": event.key });
        return;
      case "limiter.pause":
        instruments?.limiterPauses.add(1, { "mly.rate_limit.key": event.key });
        return;
      case "throttle.seen":
        instruments?.throttles.add(1, { "mly.rate_limit.key": event.keys.join(" "), "http.response.status_code": event.status, "mly.throttle.reason": event.reason });
        return;
      case "request":
        instruments?.requestDuration.record(event.durationMs, { "mly.rate_limit.key": event.keys.join(" "), "http.request.method": event.method, "http.response.status_code": event.status });
        return;
    }
  };
}

function createInstruments(meter: Meter): InstrumentSet {
  const ms = { unit: "ms" };
  return {
    refreshCount: meter.createCounter(OTEL_INSTRUMENTS.refreshCount, { description: "Token requests (renewals) by outcome" }),
    refreshDuration: meter.createHistogram(OTEL_INSTRUMENTS.refreshDuration, { ...ms, description: "Duration of token requests" }),
    storeErrors: meter.createCounter(OTEL_INSTRUMENTS.storeErrorCount, { description: "Token store writes or lock releases that failed" }),
    limiterWait: meter.createHistogram(OTEL_INSTRUMENTS.limiterWaitDuration, { ...ms, description: "Time callers waited for a rate-limit slot" }),
    limiterPauses: meter.createCounter(OTEL_INSTRUMENTS.limiterPauseCount, { description: "Keys frozen because a server asked to wait" }),
    throttles: meter.createCounter(OTEL_INSTRUMENTS.throttleCount, { description: "Throttle answers seen (429, Graph 4/17/613, APIM quota, x-app-usage)" }),
    requestDuration: meter.createHistogram(OTEL_INSTRUMENTS.requestDuration, { ...ms, description: "API request attempts, send to response headers" }),
  };
}

/** The provider part of a token key (`mapiq` of `mapiq:<client id>:default`). */
function providerOfKey(key: string): string {
  const colon = key.indexOf(":");
  return colon === -1 ? key : key.slice(0, colon);
}
