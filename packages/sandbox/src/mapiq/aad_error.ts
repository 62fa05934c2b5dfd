import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "../http_types.ts";
import { json } from "../respond.ts";

/** An Azure AD-style token error: `{"error","error_description":"AADSTS…: …","error_codes","timestamp","trace_id","correlation_id"}`. */
export function aadError(status: number, error: string, aadsts: number, description: string, now: number): SandboxResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(now).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return json(status, {
    error,
    error_description: `AADSTS${aadsts}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
  });
}
