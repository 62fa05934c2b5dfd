import { describe, expect, it, vi } from "vitest";
import {
  AbortedError,
  AuthorizationError,
  BackendUnavailableError,
  ConfigError,
  GraphApiError,
  HttpError,
  InvalidCallbackError,
  InvalidResponseError,
  InvalidTokenError,
  LockTimeoutError,
  LoginRequiredError,
  MapillaryV2Error,
  MapiqApiError,
  MlyError,
  OAuthError,
  QueueFullError,
  RateLimitedError,
  ScopeNotGrantedError,
  StateMismatchError,
  StorageError,
  TokenNotYetValidError,
  TransportError,
  UnknownScopeError,
  VersionConflictError,
  isMlyError,
} from "./errors.ts";
import * as rootEntry from "./mod.ts";

describe("error hierarchy", () => {
  const all: [MlyError, string][] = [
    [new OAuthError("invalid_grant", {}), "oauth_error"],
    [new AuthorizationError("access_denied", undefined), "authorization_error"],
    [new InvalidCallbackError("x"), "invalid_callback"],
    [new StateMismatchError("x"), "state_mismatch"],
    [new LoginRequiredError("x"), "login_required"],
    [new InvalidResponseError("x"), "invalid_response"],
    [new GraphApiError({ message: "m", code: 190 }), "graph_error"],
    [new MapiqApiError(429, "m"), "mapiq_error"],
    [new MapillaryV2Error("client_id_invalid", "m"), "mapillary_v2_error"],
    [new HttpError(500, "x"), "http_error"],
    [new RateLimitedError(1000, "retry-after"), "rate_limited"],
    [new UnknownScopeError("Mapillary", ["x"], ["read"]), "unknown_scope"],
    [new ScopeNotGrantedError(["upload"]), "scope_not_granted"],
    [new ConfigError("x"), "invalid_config"],
    [new TokenNotYetValidError(0), "token_not_yet_valid"],
    [new VersionConflictError("k", 1, 2), "version_conflict"],
    [new LockTimeoutError("k", 10), "lock_timeout"],
    [new QueueFullError("k", 10), "queue_full"],
    [new StorageError("x"), "storage_error"],
    [new BackendUnavailableError("x"), "backend_unavailable"],
    [new TransportError("x"), "transport_error"],
    [new AbortedError(), "aborted"],
    [new InvalidTokenError("malformed", "x"), "invalid_token"],
  ];

  it("the table covers every error class the root entry exports", () => {
    const exported = Object.values(rootEntry).filter((value): value is typeof MlyError => typeof value === "function" && value.prototype instanceof MlyError);
    const tested = new Set(all.map(([error]) => error.constructor));
    expect(exported.map((cls) => cls.name).filter((name) => ![...tested].some((cls) => cls.name === name))).toEqual([]);
    expect(exported.length).toBe(all.length);
  });

  it("every error is an MlyError with a stable code and its class name", () => {
    for (const [error, code] of all) {
      expect(error).toBeInstanceOf(MlyError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(error.constructor.name);
      expect(isMlyError(error)).toBe(true);
      expect(isMlyError(error, error.code)).toBe(true);
      expect(isMlyError(error, "aborted")).toBe(code === "aborted");
      expect(error.message.length).toBeGreaterThan(0);
    }
    expect(isMlyError(new Error("x"))).toBe(false);
  });

  it("toJSON carries name, code, status, message and extra fields but not the cause", () => {
    const error = new OAuthError("invalid_grant", { description: "bad code" }, { status: 400, cause: new Error("inner") });
    expect(error.toJSON()).toMatchObject({ name: "OAuthError", code: "oauth_error", status: 400, error: "invalid_grant", errorDescription: "bad code" });
    expect(error.toJSON()).not.toHaveProperty("cause");
    expect(error.cause).toBeInstanceOf(Error);
    expect(new ConfigError("x").toJSON()).not.toHaveProperty("status");
  });

  it("messages say what to do", () => {
    expect(new OAuthError("invalid_grant", {}).message).toBe("token endpoint: invalid_grant; log in again");
    expect(new OAuthError("invalid_client", {}).message).toContain("client id and secret");
    expect(new OAuthError("invalid_scope", {}).message).toContain("scopes");
    expect(new OAuthError("other", {}).message).toContain("check the request");
    expect(new OAuthError("x", { hint: "Custom." }).message).toContain("Custom.");
    expect(new AuthorizationError("user_denied", undefined).message).toContain("declined");
    expect(new AuthorizationError("server_error", "boom").message).toBe("login refused: server_error (boom); check client id, redirect URI, scopes");
    expect(new GraphApiError({ message: "m", code: 190 }).message).toContain("log in again");
    expect(new GraphApiError({ message: "m", code: 4 }).message).toContain("slow down");
    expect(new GraphApiError({ message: "m" }).message).toContain("?");
    expect(new MapiqApiError(undefined, "m", { status: 503 }).message).toContain("503");
    expect(new RateLimitedError(2500, "message", { detail: "d" }).message).toContain("retry in 3 s");
    expect(new ScopeNotGrantedError(["a", "b"]).message).toContain("scopes a, b");
    expect(new TokenNotYetValidError(0).message).toContain("1970-01-01");
  });

  it("GraphApiError keeps the Graph fields", () => {
    const error = new GraphApiError({ message: "m", code: 4, type: "MLYApiException", subcode: 2, isTransient: true, fbtraceId: "f" }, { status: 403 });
    expect([error.graphCode, error.type, error.subcode, error.isTransient, error.fbtraceId, error.status]).toEqual([4, "MLYApiException", 2, true, "f", 403]);
    expect(new GraphApiError({ message: "m" }).isTransient).toBe(false);
  });
});

describe("isMlyError across module copies", () => {
  it("recognises an error from a second copy of the module, where instanceof fails", async () => {
    vi.resetModules(); // the next import evaluates errors.ts again: a second copy, as with two installed versions
    const copy = await import("./errors.ts");
    expect(copy.MlyError).not.toBe(MlyError);
    const foreign = new copy.OAuthError("invalid_grant", {});
    expect(foreign instanceof MlyError).toBe(false);
    expect(isMlyError(foreign)).toBe(true);
    expect(isMlyError(foreign, "oauth_error")).toBe(true);
    expect(isMlyError(foreign, "aborted")).toBe(false);
    expect(copy.isMlyError(new AbortedError(), "aborted")).toBe(true);
  });

  it("rejects look-alikes without the brand", () => {
    for (const value of [null, undefined, "oauth_error", 42, { code: "aborted", name: "MlyError" }, new Error("x"), Object.assign(new Error("x"), { code: "aborted" })]) {
      expect(isMlyError(value)).toBe(false);
    }
  });
});
