/**
 * Authorization server metadata discovery (RFC 8414, and OpenID Connect Discovery 1.0), sans-I/O:
 * {@link discoveryRequest} builds the request, {@link processDiscoveryResponse} validates the
 * answer as RFC 8414 §3.3 requires.
 *
 * @module
 */
import { ConfigError, HttpError, InvalidResponseError } from "./errors.ts";
import { HttpRequestDescription, type HttpResponseData } from "./http.ts";
import { isObject, parseJson, type JsonObject } from "./_json.ts";
import { quote, secureUrl } from "./_secure_url.ts";

/** Which well-known document to ask for: RFC 8414's or OpenID Connect's. */
export type DiscoveryDocument = "oauth-authorization-server" | "openid-configuration";

/** An authorization server's metadata (RFC 8414 §2), validated, with the RFC's defaults filled in. */
export interface AuthorizationServerMetadata {
  /** The issuer identifier; equal to the one that was asked for. */
  readonly issuer: string;
  /** The authorization endpoint (absent when the server has no user flows). */
  readonly authorizationEndpoint: string | undefined;
  /** The token endpoint. */
  readonly tokenEndpoint: string;
  /** The RFC 7009 revocation endpoint, if any. */
  readonly revocationEndpoint: string | undefined;
  /** The RFC 7662 introspection endpoint, if any. */
  readonly introspectionEndpoint: string | undefined;
  /** The server's JWK Set URL, if any. */
  readonly jwksUri: string | undefined;
  /** The OpenID Connect UserInfo endpoint, if any. */
  readonly userinfoEndpoint: string | undefined;
  /** Scopes the server advertises (it may support more). */
  readonly scopesSupported: readonly string[] | undefined;
  /** `response_types_supported` (required by RFC 8414). */
  readonly responseTypesSupported: readonly string[];
  /** `grant_types_supported`; `undefined` when absent (RFC 8414 then means `["authorization_code", "implicit"]`). */
  readonly grantTypesSupported: readonly string[] | undefined;
  /** `token_endpoint_auth_methods_supported`; default `["client_secret_basic"]`. */
  readonly tokenEndpointAuthMethodsSupported: readonly string[];
  /** `revocation_endpoint_auth_methods_supported`; default `["client_secret_basic"]`. */
  readonly revocationEndpointAuthMethodsSupported: readonly string[];
  /** `code_challenge_methods_supported` (PKCE); empty when the server does not say. */
  readonly codeChallengeMethodsSupported: readonly string[];
  /** RFC 9207: whether authorization responses carry `iss`. */
  readonly authorizationResponseIssParameterSupported: boolean;
}

/**
 * Builds the metadata request for `issuer`: RFC 8414's
 * `https://host/.well-known/oauth-authorization-server[/path]` (default) or OpenID's
 * `https://host[/path]/.well-known/openid-configuration`.
 *
 * @throws {ConfigError} the issuer is not an `https` URL (or `http` on loopback) without query and fragment.
 *
 * @example
 * ```ts
 * import { discoveryRequest } from "@mly/auth-core";
 *
 * discoveryRequest("https://auth.example.com/tenant").url;
 * // "https://auth.example.com/.well-known/oauth-authorization-server/tenant"
 * discoveryRequest("https://auth.example.com", "openid-configuration").url;
 * // "https://auth.example.com/.well-known/openid-configuration"
 * ```
 */
export function discoveryRequest(issuer: string, document: DiscoveryDocument = "oauth-authorization-server"): HttpRequestDescription {
  const url = issuerUrl(issuer);
  const path = url.pathname === "/" ? "" : url.pathname.replace(/\/$/, "");
  const target = document === "oauth-authorization-server" ? `${url.origin}/.well-known/oauth-authorization-server${path}` : `${url.origin}${path}/.well-known/openid-configuration`;
  return new HttpRequestDescription({ method: "GET", url: target, headers: { accept: "application/json" } });
}

/**
 * Validates a metadata response for `issuer` (RFC 8414 §3.2, §3.3): HTTP 200, a JSON object,
 * `issuer` identical to the requested issuer (a different one is refused: it would let a
 * server impersonate another), `token_endpoint` and `response_types_supported` present,
 * every endpoint an `https` URL (or `http` on loopback), every list a list of strings.
 *
 * @throws {InvalidResponseError} the document breaks one of these rules (the message names the field).
 * @throws {HttpError} the status is not 200.
 * @throws {ConfigError} the issuer itself is not acceptable.
 *
 * @example
 * ```ts
 * import { discoveryRequest, processDiscoveryResponse, readResponse } from "@mly/auth-core";
 *
 * const issuer = "https://auth.example.com";
 * const response = await fetch(discoveryRequest(issuer).toRequest());
 * const metadata = processDiscoveryResponse(issuer, await readResponse(response));
 * metadata.tokenEndpoint;
 * ```
 */
export function processDiscoveryResponse(issuer: string, response: HttpResponseData): AuthorizationServerMetadata {
  issuerUrl(issuer);
  if (response.status !== 200) {
    throw new HttpError(response.status, `metadata of ${quote(issuer)}: HTTP ${response.status}; check the issuer URL`);
  }
  const body = parseJson(response.body);
  if (!isObject(body)) throw invalid(issuer, "the body is not a JSON object");
  const found = body["issuer"];
  if (typeof found !== "string") throw invalid(issuer, "issuer is missing");
  if (found !== issuer) {
    throw invalid(issuer, `it names the issuer ${quote(found)}; RFC 8414 §3.3 requires exactly the requested one (check the issuer URL, trailing slash included)`);
  }
  const responseTypes = readStrings(body, "response_types_supported", issuer);
  if (responseTypes === undefined) throw invalid(issuer, "response_types_supported is missing");
  const authorizationEndpoint = readEndpoint(body, "authorization_endpoint", issuer);
  if (authorizationEndpoint === undefined && responseTypes.includes("code")) throw invalid(issuer, "authorization_endpoint is missing");
  const tokenEndpoint = readEndpoint(body, "token_endpoint", issuer);
  if (tokenEndpoint === undefined) throw invalid(issuer, "token_endpoint is missing");
  const iss = body["authorization_response_iss_parameter_supported"];
  if (iss !== undefined && typeof iss !== "boolean") throw invalid(issuer, "authorization_response_iss_parameter_supported is not a boolean");
  return Object.freeze({
    issuer,
    authorizationEndpoint,
    tokenEndpoint,
    revocationEndpoint: readEndpoint(body, "revocation_endpoint", issuer),
    introspectionEndpoint: readEndpoint(body, "introspection_endpoint", issuer),
    jwksUri: readEndpoint(body, "jwks_uri", issuer),
    userinfoEndpoint: readEndpoint(body, "userinfo_endpoint", issuer),
    scopesSupported: readStrings(body, "scopes_supported", issuer),
    responseTypesSupported: responseTypes,
    grantTypesSupported: readStrings(body, "grant_types_supported", issuer),
    tokenEndpointAuthMethodsSupported: readStrings(body, "token_endpoint_auth_methods_supported", issuer) ?? ["client_secret_basic"],
    revocationEndpointAuthMethodsSupported: readStrings(body, "revocation_endpoint_auth_methods_supported", issuer) ?? ["client_secret_basic"],
    codeChallengeMethodsSupported: readStrings(body, "code_challenge_methods_supported", issuer) ?? [],
    authorizationResponseIssParameterSupported: iss === true,
  } satisfies AuthorizationServerMetadata);
}

function issuerUrl(issuer: string): URL {
  const url = typeof issuer === "string" ? secureUrl(issuer) : undefined;
  if (url?.search !== "" || issuer.includes("?")) {
    throw new ConfigError("The issuer must be an https URL (http only on loopback) without query or fragment, e.g. https://auth.example.com.");
  }
  return url;
}

function invalid(issuer: string, what: string): InvalidResponseError {
  return new InvalidResponseError(`metadata of ${quote(issuer)} refused: ${what}`);
}

function readEndpoint(body: JsonObject, field: string, issuer: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || secureUrl(value) === undefined) throw invalid(issuer, `${field} is not an https URL (http only on loopback)`);
  return value;
}

function readStrings(body: JsonObject, field: string, issuer: string): readonly string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) throw invalid(issuer, `${field} is not a list of strings`);
  return Object.freeze([...value]);
}
