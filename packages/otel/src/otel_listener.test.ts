import { createClient, emitEvent, mapiqProfile, type MlyEvent } from "@mly/auth-core";
import { MemoryTokenStore } from "@mly/auth-core/orchestration";
import { createManualClock } from "@mly/auth-core/testing";
import { createApiClient } from "@mly/fetch";
import { startSandbox, type Sandbox } from "@mly/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOtelListener, OTEL_INSTRUMENTS } from "./otel_listener.ts";
import { testOtel, type Point } from "./_test_otel.ts";

const KEY = "mapiq:client-1:default";
const ROUTE = "mapiq:endpoint:GET /v2/buildings";

function sumOf(points: Point[] | undefined, match: (attributes: Point["attributes"]) => boolean = () => true): number {
  return (points ?? []).filter((point) => match(point.attributes)).reduce((total, point) => total + (typeof point.value === "number" ? point.value : point.value.sum), 0);
}

function countOf(points: Point[] | undefined): number {
  return (points ?? []).reduce((total, point) => total + (typeof point.value === "number" ? point.value : point.value.count), 0);
}

describe("createOtelListener: events → counters, histograms and spans", () => {
  it("records each event type with its values and attributes", async () => {
    const otel = testOtel();
    const listener = createOtelListener({ meter: otel.meter, tracer: otel.tracer });
    const events: MlyEvent[] = [
      { type: "refresh.start", key: KEY },
      { type: "refresh.success", key: KEY, durationMs: 120 },
      { type: "refresh.start", key: KEY },
      { type: "refresh.failure", key: KEY, durationMs: 30, code: "oauth_error", error: "invalid_client", status: 401 },
      { type: "store.error", key: KEY, code: "storage_error" },
      { type: "limiter.wait", key: ROUTE, durationMs: 100 },
      { type: "limiter.wait", key: ROUTE, durationMs: 250 },
      { type: "limiter.pause", key: ROUTE, durationMs: 1000 },
      { type: "throttle.seen", keys: [ROUTE], status: 429, retryAfterMs: 1000, reason: "retry-after" },
      { type: "request", keys: [ROUTE], method: "GET", status: 429, durationMs: 7 },
      { type: "request", keys: [ROUTE], method: "GET", status: 200, durationMs: 9 },
    ];
    for (const event of events) listener(event);
    const metrics = await otel.metrics();
    const refreshes = metrics.get(OTEL_INSTRUMENTS.refreshCount);
    expect(sumOf(refreshes, (a) => a["mly.outcome"] === "success")).toBe(1);
    expect(sumOf(refreshes, (a) => a["mly.outcome"] === "failure" && a["error.type"] === "oauth_error" && a["mly.oauth.error"] === "invalid_client")).toBe(1);
    expect(refreshes?.every((point) => point.attributes["mly.provider"] === "mapiq" && !("mly.token.key" in point.attributes))).toBe(true);
    expect(sumOf(metrics.get(OTEL_INSTRUMENTS.refreshDuration))).toBe(150);
    expect(sumOf(metrics.get(OTEL_INSTRUMENTS.storeErrorCount), (a) => a["error.type"] === "storage_error")).toBe(1);
    expect(countOf(metrics.get(OTEL_INSTRUMENTS.limiterWaitDuration))).toBe(2);
    expect(sumOf(metrics.get(OTEL_INSTRUMENTS.limiterWaitDuration), (a) => a["mly.rate_limit.key"] === ROUTE)).toBe(350);
    expect(sumOf(metrics.get(OTEL_INSTRUMENTS.limiterPauseCount), (a) => a["mly.rate_limit.key"] === ROUTE)).toBe(1);
    expect(sumOf(metrics.get(OTEL_INSTRUMENTS.throttleCount), (a) => a["http.response.status_code"] === 429 && a["mly.throttle.reason"] === "retry-after")).toBe(1);
    expect(countOf(metrics.get(OTEL_INSTRUMENTS.requestDuration))).toBe(2);
    expect(sumOf(metrics.get(OTEL_INSTRUMENTS.requestDuration), (a) => a["http.response.status_code"] === 200 && a["http.request.method"] === "GET")).toBe(9);

    const spans = otel.spans();
    expect(spans.map((span) => span.name)).toEqual([OTEL_INSTRUMENTS.tokenRequestSpan, OTEL_INSTRUMENTS.tokenRequestSpan]);
    expect(spans[0]?.attributes).toEqual({ "mly.token.key": KEY, "mly.provider": "mapiq", "mly.outcome": "success" });
    expect(spans[0]?.status.code).toBe(0);
    expect(spans[1]?.attributes).toMatchObject({ "mly.outcome": "failure", "error.type": "oauth_error", "mly.oauth.error": "invalid_client", "http.response.status_code": 401 });
    expect(spans[1]?.status).toEqual({ code: 2, message: "invalid_client" });
    await otel.shutdown();
  });

  it("tokenKeyInMetrics puts the token key on refresh metrics; a meter or a tracer alone works", async () => {
    const otel = testOtel();
    createOtelListener({ meter: otel.meter, tokenKeyInMetrics: true })({ type: "refresh.success", key: KEY, durationMs: 5 });
    const points = (await otel.metrics()).get(OTEL_INSTRUMENTS.refreshCount);
    expect(points?.[0]?.attributes).toMatchObject({ "mly.token.key": KEY, "mly.provider": "mapiq" });
    const tracerOnly = createOtelListener({ tracer: otel.tracer });
    tracerOnly({ type: "refresh.start", key: KEY });
    tracerOnly({ type: "limiter.wait", key: ROUTE, durationMs: 1 });
    tracerOnly({ type: "refresh.success", key: KEY, durationMs: 1 });
    // A success without a start (a listener attached mid-refresh) ends nothing.
    tracerOnly({ type: "refresh.success", key: "other:1:default", durationMs: 1 });
    expect(otel.spans()).toHaveLength(1);
    await otel.shutdown();
  });

  it("a meter that throws breaks no call (emitEvent drops it)", () => {
    const listener = createOtelListener({ meter: { createCounter: () => ({ add: () => { throw new Error("exporter down"); } }), createHistogram: () => ({ record: () => { throw new Error("exporter down"); } }) } as never });
    expect(() => {
      emitEvent(listener, { type: "refresh.success", key: KEY, durationMs: 1 });
    }).not.toThrow();
  });
});

describe("createOtelListener with createApiClient against the sandbox", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    // Tokens live an hour on the sandbox: only the client's manual clock lets one expire, so a
    // busy machine cannot expire a token between its request and its use.
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("one span per token request the sandbox saw; metrics and span attributes hold no secret in any encoding", { timeout: 60_000 }, async () => {
    const otel = testOtel();
    const onEvent = createOtelListener({ meter: otel.meter, tracer: otel.tracer, tokenKeyInMetrics: true });
    const profile = mapiqProfile(sandbox.endpoints.mapiq);
    const clock = createManualClock(Date.now());
    const store = new MemoryTokenStore({ clock });
    const api = createApiClient({ profile, client: sandbox.credentials.mapiq, store, onEvent, clock });
    const tokens: string[] = [];
    await api.ky.get("v2/buildings").json();
    const first = (await store.get(api.tokenKey))!.tokens;
    tokens.push(first.accessToken.reveal());
    // The token has expired on the client's clock: the next call renews it.
    clock.set(first.expiresAt! + 1);
    sandbox.faults.inject({ route: "/mapiq/api/v2/users", fault: { kind: "status", status: 429, headers: { "retry-after": "1" } } });
    await api.ky.get("v2/users").json().catch(() => undefined);
    tokens.push((await store.get(api.tokenKey))!.tokens.accessToken.reveal());
    // A refused client: a failed token request.
    const refused = createApiClient({ profile, client: createClient({ clientId: sandbox.credentials.mapiq.clientId, clientSecret: "not-the-secret-0a9b8c7d" }), onEvent });
    await refused.ky.get("v2/buildings").json().catch(() => undefined);

    const tokenRequests = sandbox.log.count((entry) => entry.route === "/mapiq/account/api/public/oauth2/token" && entry.method === "POST");
    const spans = otel.spans();
    expect(tokenRequests).toBe(3);
    expect(spans).toHaveLength(tokenRequests);
    expect(spans.map((span) => span.attributes["mly.outcome"])).toEqual(["success", "success", "failure"]);
    expect(spans[2]?.status.code).toBe(2);
    const metrics = await otel.metrics();
    expect(sumOf(metrics.get(OTEL_INSTRUMENTS.throttleCount))).toBe(1);
    expect(sumOf(metrics.get(OTEL_INSTRUMENTS.refreshCount))).toBe(3);

    const printed = JSON.stringify({ spans: spans.map((span) => ({ name: span.name, attributes: span.attributes, status: span.status, events: span.events })), metrics: [...metrics] });
    for (const secret of [...tokens, sandbox.credentials.mapiq.clientSecret, "not-the-secret-0a9b8c7d"]) {
      const base64 = btoa(secret);
      for (const form of [secret, encodeURIComponent(secret), base64, base64.replace(/=+$/, ""), base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")]) {
        expect(printed).not.toContain(form);
      }
    }
    await otel.shutdown();
  });
});
