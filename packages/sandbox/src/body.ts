/** A request body decoded into flat string fields (JSON numbers and booleans become strings). */
export interface ParsedBody {
  type: "json" | "form" | "empty" | "unsupported" | "invalid";
  fields: Map<string, string>;
}

/** Decodes a JSON object or `application/x-www-form-urlencoded` body by its content type. */
export function parseBody(contentType: string | undefined, raw: string): ParsedBody {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (raw.length === 0) return { type: "empty", fields: new Map() };
  if (mediaType === "application/x-www-form-urlencoded") {
    return { type: "form", fields: new Map(new URLSearchParams(raw)) };
  }
  if (mediaType === "application/json" || mediaType.endsWith("+json")) return parseJson(raw);
  return { type: "unsupported", fields: new Map() };
}

function parseJson(raw: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { type: "invalid", fields: new Map() };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { type: "invalid", fields: new Map() };
  const fields = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === "string") fields.set(key, v);
    else if (typeof v === "number" || typeof v === "boolean") fields.set(key, String(v));
    else if (v !== null) return { type: "invalid", fields: new Map() };
  }
  return { type: "json", fields };
}
