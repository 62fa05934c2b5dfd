import type { ApiName, SandboxResponse } from "./http_types.ts";
import { apimError } from "./mapiq/apim_error.ts";
import { graphError } from "./mapillary/graph_error.ts";
import { v2Error } from "./mapillary_v2/v2_error.ts";
import { json } from "./respond.ts";

/** A generic error (404, 405, 5xx, injected faults) in the shape of the API `api`. */
export function apiError(api: ApiName, status: number, message: string): SandboxResponse {
  switch (api) {
    case "mapillary":
      return status >= 500
        ? graphError({ status, code: 2, message, isTransient: true })
        : graphError({ status, code: 100, message });
    case "mapillary-v2":
      return v2Error(status, status >= 500 ? "internal_error" : status === 404 ? "not_found" : "bad_request", message);
    case "mapiq":
      return apimError(status, message);
    case "none":
      return json(status, { error: message });
  }
}
