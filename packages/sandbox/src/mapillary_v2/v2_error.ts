import type { SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";

/** A Mapillary v2 error: `{"code":"client_id_invalid","message":"…"}`. */
export function v2Error(status: number, code: string, message: string, headers: Record<string, string> = {}): SandboxResponse {
  return json(status, { code, message }, headers);
}
