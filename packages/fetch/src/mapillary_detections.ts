import { ConfigError, parseErrorResponse, readResponse } from "@mly/auth-core";
import { InvalidResponseError } from "@mly/auth-core";
import { HTTPError, type KyInstance } from "ky";

/**
 * A Mapillary v4 object detection as `GET /{image_id}/detections` returns it: `id` always, the
 * other fields when asked for.
 */
export interface MapillaryDetection {
  /** The detection id. */
  id: string;
  /** The detected class, e.g. `regulatory--stop--g1` (ask for `value`). */
  value?: string;
  /** When the detection was made, e.g. `2021-05-20T17:49:01+0000` (ask for `created_at`). */
  created_at?: string;
  /** The polygon as a base64-encoded Mapbox Vector Tile in image coordinates (ask for `geometry`). */
  geometry?: string;
  /** The image it was found on (ask for `image`). */
  image?: { id: string };
  /** Other requested fields. */
  [field: string]: unknown;
}

/** Options of {@link getDetections}. */
export interface GetDetectionsOptions {
  /** Fields to fetch (default `["id", "value", "created_at"]`, as in Mapillary's own example). */
  fields?: readonly string[];
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** The fields Mapillary's help article asks for. */
const DEFAULT_FIELDS: readonly string[] = ["id", "value", "created_at"];

/**
 * Fetches the object detections of one Mapillary v4 image (`GET /{image_id}/detections`) through
 * an API client from `createApiClient`, so the call is authenticated (client token or user token,
 * never a user token in the URL), rate-limited, and its errors are typed.
 *
 * @throws {ConfigError} `imageId` is not a numeric Mapillary image id (nothing is sent).
 * @throws {GraphApiError} Graph refused the call (code 100 for an unknown field or image), or
 *   whatever typed error `parseErrorResponse` makes of another error answer.
 * @throws {InvalidResponseError} the answer is not the documented `{data: [...]}` shape.
 *
 * @example
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import { createApiClient } from "@mly/fetch";
 * import { getDetections } from "@mly/fetch/mapillary";
 *
 * const api = createApiClient({ profile: mapillary, client: { clientId: "1234", clientToken: "MLY|…" }, useClientToken: true });
 * const detections = await getDetections(api.ky, "169979785061521", { fields: ["id", "value", "created_at"] });
 * for (const detection of detections) console.log(detection.value, detection.created_at);
 * ```
 */
export async function getDetections(api: KyInstance, imageId: string, options: GetDetectionsOptions = {}): Promise<MapillaryDetection[]> {
  if (!/^\d+$/.test(imageId)) throw new ConfigError("getDetections: imageId must be a numeric Mapillary image id");
  const searchParams = { fields: (options.fields ?? DEFAULT_FIELDS).join(",") };
  const body: unknown = await api.get(`${imageId}/detections`, { searchParams, signal: options.signal ?? null }).json().catch(typedError);
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || !data.every((item) => typeof (item as { id?: unknown } | null)?.id === "string")) {
    throw new InvalidResponseError("detections: not {data: [{id}, …]}; check apiBaseUrl");
  }
  return data as MapillaryDetection[];
}

/** ky's `HTTPError` for a Graph error answer → the typed error (`GraphApiError`, …); others as they are. */
async function typedError(error: unknown): Promise<never> {
  throw error instanceof HTTPError && !error.response.bodyUsed ? parseErrorResponse(await readResponse(error.response), { now: Date.now() }) : error;
}
