/**
 * `@mly/fetch/mapillary`: helpers for Mapillary API v4 on an API client's ky instance:
 * cursor-paged images ({@link iterateImages}), one entity ({@link getEntity}) and an image's
 * detections ({@link getDetections}). A subpath, so the main entry holds only what every
 * provider needs (transport, login, authenticated fetch, API client).
 *
 * @example Page through the images of a bounding box
 * ```ts
 * import { mapillary } from "@mly/auth-core";
 * import { createApiClient } from "@mly/fetch";
 * import { iterateImages } from "@mly/fetch/mapillary";
 *
 * const api = createApiClient({ profile: mapillary, client: { clientId: "1234" }, accessToken: process.env["MAPILLARY_TOKEN"] ?? "" });
 * for await (const image of iterateImages(api.ky, { bbox: [13.37, 52.50, 13.40, 52.52], fields: ["id", "captured_at"] })) {
 *   console.log(image.id);
 * }
 * ```
 *
 * @module
 */
export { getEntity, iterateImages, type IterateImagesOptions, type MapillaryImage } from "./mapillary_images.ts";
export { getDetections, type GetDetectionsOptions, type MapillaryDetection } from "./mapillary_detections.ts";
