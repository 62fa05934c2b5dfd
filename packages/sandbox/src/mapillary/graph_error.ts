import { fbtraceId } from "../fbtrace.ts";
import type { SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";

/** The Graph error body: `{"error":{"message","type","code","fbtrace_id",…}}`. */
export interface GraphErrorInit {
  status: number;
  code: number;
  message: string;
  type?: string;
  subcode?: number;
  isTransient?: boolean;
}

/** A Graph-shaped error response (Mapillary v4 graph and tiles hosts). */
export function graphError(init: GraphErrorInit, headers: Record<string, string> = {}): SandboxResponse {
  const error: Record<string, unknown> = {
    message: init.message,
    type: init.type ?? (init.code === 190 ? "OAuthException" : "MLYApiException"),
    code: init.code,
  };
  if (init.subcode !== undefined) error["error_subcode"] = init.subcode;
  if (init.isTransient !== undefined) error["is_transient"] = init.isTransient;
  error["fbtrace_id"] = fbtraceId();
  return json(init.status, { error }, headers);
}

/** Code 190, HTTP 401: a missing, invalid, expired or revoked token. */
export function invalidToken(message: string, headers: Record<string, string> = {}): SandboxResponse {
  return graphError({ status: 401, code: 190, message }, headers);
}

/** Code 100, HTTP 400: a bad request. */
export function badRequest(message: string, headers: Record<string, string> = {}): SandboxResponse {
  return graphError({ status: 400, code: 100, message }, headers);
}

/** Code 100 subcode 33, HTTP 400: Graph's answer for an id that names no object. */
export function unknownObject(id: string): SandboxResponse {
  return graphError({
    status: 400,
    code: 100,
    subcode: 33,
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
  });
}
