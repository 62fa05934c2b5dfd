import { isMlyError } from "@mly/auth-core";
import type { ApiClient } from "@mly/fetch";
import { iterateImages } from "@mly/fetch/mapillary";
import type { Bbox } from "./bbox.ts";
import type { ImageWriter } from "./image_writer.ts";
import type { Progress } from "./progress.ts";

/** Options of {@link downloadImages}. */
export interface DownloadImagesOptions {
  /** The Mapillary v4 client of the profile. */
  api: ApiClient;
  /** The box to search. */
  bbox: Bbox;
  /** Fields to request. */
  fields: readonly string[];
  /** Images per page. */
  pageSize: number;
  /** Stop after this many images. */
  limit: number | undefined;
  /** Where the images go. */
  writer: ImageWriter;
  /** The progress display. */
  progress: Progress;
  /** Called when the coordinator renewed the token during the download. */
  onRefresh?: (refreshes: number) => void;
  /** Ctrl-C. */
  signal: AbortSignal;
}

/** What {@link downloadImages} did. */
export interface DownloadResult {
  /** Images written. */
  readonly count: number;
  /** Pages fetched. */
  readonly pages: number;
  /** Token renewals during the download. */
  readonly refreshes: number;
  /** Whether Ctrl-C stopped it (the output is still a complete document). */
  readonly interrupted: boolean;
}

/**
 * Pages through `GET /images` (cursor paging, every request through the rate limiter and the
 * refresh coordinator) into `writer`, with progress. On abort the writer is closed and the
 * result says `interrupted`; other errors close the writer and are rethrown.
 */
export async function downloadImages(options: DownloadImagesOptions): Promise<DownloadResult> {
  const { api, writer, progress, signal } = options;
  let pages = 0;
  let count = 0;
  const startRefreshes = api.coordinator?.refreshCount ?? 0;
  let seenRefreshes = startRefreshes;
  const counted = api.ky.extend({
    hooks: {
      afterResponse: [
        (): void => {
          pages++;
          const refreshes = api.coordinator?.refreshCount ?? 0;
          if (refreshes !== seenRefreshes) {
            seenRefreshes = refreshes;
            options.onRefresh?.(refreshes - startRefreshes);
          }
        },
      ],
    },
  });
  try {
    for await (const image of iterateImages(counted, {
      bbox: options.bbox,
      fields: options.fields,
      pageSize: options.pageSize,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      signal,
    })) {
      writer.write(image);
      count++;
      progress.update(count, pages);
    }
  } catch (error) {
    writer.close();
    if (signal.aborted && (isAbort(error) || isMlyError(error, "aborted"))) {
      return { count, pages, refreshes: seenRefreshes - startRefreshes, interrupted: true };
    }
    throw error;
  }
  writer.close();
  return { count, pages, refreshes: seenRefreshes - startRefreshes, interrupted: false };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError" || error.name === "AbortedError");
}
