import type { SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";

/** An Azure API Management-style error: `{"statusCode":429,"message":"…"}`. */
export function apimError(status: number, message: string, headers: Record<string, string> = {}): SandboxResponse {
  return json(status, { statusCode: status, message }, headers);
}
