import type { SandboxResponse } from "./http_types.ts";
import { json } from "./respond.ts";

/** An RFC 6749 §5.2 token-endpoint error. */
export function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): SandboxResponse {
  return json(status, { error, error_description: description }, headers);
}
