import { expect } from "vitest";
import type { Sandbox } from "./sandbox.ts";

/** A settable clock for `startSandbox({ now })`. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
}

/** A clock starting at a fixed, window-aligned instant (multiple of 60 s). */
export function testClock(start = 1_700_000_040_000): TestClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}

/** The loopback callback the tests use (accepted by the RFC 8252 rule). */
export const CALLBACK = "http://127.0.0.1:45678/callback";

/** `fetch` without following redirects. */
export function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: "manual", headers });
}

/** POSTs a form. */
export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** POSTs JSON. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", redirect: "manual", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** The parsed `Location` of a redirect response. */
export function location(res: Response): URL {
  expect(res.status).toBe(302);
  const loc = res.headers.get("location");
  expect(loc).not.toBeNull();
  return new URL(loc ?? "");
}

/** `url` with query `params`. */
export function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** The `request_id` of a consent page. */
export function consentRequestId(page: string): string {
  const match = /name="request_id" value="([^"]+)"/.exec(page);
  expect(match).not.toBeNull();
  return match?.[1] ?? "";
}

/** Runs the v4 consent flow (page + Approve) and returns the code. */
export async function v4Code(sb: Sandbox, extra: Record<string, string> = {}): Promise<string> {
  const page = await get(
    withParams(sb.endpoints.mapillary.authorizationEndpoint, {
      client_id: sb.credentials.mapillary.clientId,
      redirect_uri: CALLBACK,
      response_type: "code",
      scope: "read",
      state: "s1",
      ...extra,
    }),
  );
  expect(page.status).toBe(200);
  const res = await postForm(sb.endpoints.mapillary.authorizationEndpoint, { request_id: consentRequestId(await page.text()), decision: "approve" });
  const code = location(res).searchParams.get("code");
  expect(code).toBeTruthy();
  return code ?? "";
}

/** Exchanges a v4 code (JSON body, numeric client_id, OAuth header) and returns the token response. */
export async function v4Token(sb: Sandbox, code: string): Promise<{ access_token: string; expires_in: number; token_type: string; refresh_token?: string }> {
  const res = await postJson(
    sb.endpoints.mapillary.tokenEndpoint,
    { grant_type: "authorization_code", code, client_id: Number(sb.credentials.mapillary.clientId), redirect_uri: CALLBACK },
    { authorization: `OAuth ${sb.credentials.mapillary.clientSecret}` },
  );
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; expires_in: number; token_type: string; refresh_token?: string };
}

/** A Mapiq token for the sandbox's demo client. */
export async function mapiqToken(sb: Sandbox): Promise<string> {
  const res = await postForm(sb.endpoints.mapiq.tokenEndpoint, {
    grant_type: "client_credentials",
    scope: "https://api.mapiq.com/public/.default",
    client_id: sb.credentials.mapiq.clientId,
    client_secret: sb.credentials.mapiq.clientSecret,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}
