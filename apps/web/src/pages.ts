/**
 * The pages of the web app. Every value from the user, the provider or the URL goes through
 * Hono's escaping `html` helper.
 *
 * @module
 */
import { html } from "hono/html";
import { type Html, layout } from "./layout.ts";

/** Why a sign-in did not complete; each has its own message. */
export type LoginFailure = "denied" | "state" | "expired" | "invalid" | "error" | "session";

/** A row of the images page. */
export interface ImageRow {
  /** The image id. */
  id: string;
  /** ISO capture time, when known. */
  capturedAt: string | undefined;
  /** Compass angle in degrees, when known. */
  compassAngle: number | undefined;
  /** The sequence id, when known. */
  sequence: string | undefined;
  /** A link to a viewer, when configured. */
  link: string | undefined;
}

/** What the images page shows. */
export interface ImagesPageData {
  /** Who is signed in. */
  username: string;
  /** The signed-in user's id: the map shows only their images. */
  userId: string;
  /** This page's images. */
  rows: readonly ImageRow[];
  /** Images looked at to find them. */
  scanned: number;
  /** The area, `[west, south, east, north]`. */
  bbox: readonly number[];
  /** The page number, from 1. */
  page: number;
  /** Whether another page follows. */
  hasNext: boolean;
  /** The map: tile URL template (client token only) and where to center it; `undefined` without a client token. */
  map: { tileUrl: string; center: readonly [number, number] } | undefined;
}

/**
 * The home page: a "Sign in with Mapillary" button, or who is signed in.
 *
 * @example
 * ```ts
 * import { homePage } from "@mly/web";
 *
 * const page = homePage({ user: undefined, notice: undefined });
 * ```
 */
export function homePage(options: { user: { id: string; username: string | undefined } | undefined; notice: string | undefined }): Html {
  const notice = options.notice === undefined ? html`` : html`<p class="notice" id="notice">${options.notice}</p>`;
  if (options.user === undefined) {
    return layout(
      "Sign in",
      html`${notice}
<p>This sample app signs you in with your Mapillary account (OAuth 2.0 authorization code flow, run on the server) and shows your images on a map.</p>
${signInForm()}`,
    );
  }
  return layout(
    "Home",
    html`${notice}
<p id="signed-in-as">Signed in as <strong>${options.user.username ?? options.user.id}</strong>.</p>
<p><a class="button" href="/images" id="your-images">Your images</a></p>
${signOutForm()}`,
  );
}

/**
 * The images page: the signed-in user's images on a map (MapLibre GL JS, fed by Mapillary's
 * vector tiles with the app's client token), a thumbnail of the image clicked, and a paged list.
 *
 * @example
 * ```ts
 * import { imagesPage } from "@mly/web";
 *
 * const page = imagesPage({ username: "alice", userId: "1", rows: [], scanned: 0, bbox: [0, 0, 1, 1], page: 1, hasNext: false, map: undefined });
 * ```
 */
export function imagesPage(data: ImagesPageData): Html {
  const rows = data.rows.map(
    (row) => html`<tr data-image-id="${row.id}">
  <td>${row.link === undefined ? row.id : html`<a href="${row.link}" rel="noreferrer noopener" target="_blank">${row.id}</a>`}</td>
  <td>${row.capturedAt ?? "—"}</td>
  <td>${row.compassAngle === undefined ? "—" : row.compassAngle.toFixed(1)}</td>
  <td>${row.sequence ?? "—"}</td>
</tr>`,
  );
  const table =
    data.rows.length === 0
      ? html`<p id="no-images">No images of yours ${data.page > 1 ? "on this page" : "in this area"} (${data.scanned} images looked at).</p>`
      : html`<table id="images">
<thead><tr><th>image</th><th>captured at</th><th>compass angle</th><th>sequence</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  const pager = html`<nav class="pager" aria-label="pages">
${data.page > 1 ? html`<a id="previous-page" href="/images?page=${data.page - 1}">← Previous</a>` : html`<span></span>`}
<span class="muted">page ${data.page}</span>
${data.hasNext ? html`<a id="next-page" href="/images?page=${data.page + 1}">Next →</a>` : html`<span></span>`}
</nav>`;
  const map =
    data.map === undefined
      ? html`<p class="notice" id="no-map">The map needs the app's client token (MAPILLARY_CLIENT_TOKEN).</p>`
      : html`<section class="map-panel">
<div id="map" data-tiles="${data.map.tileUrl}" data-user-id="${data.userId}" data-center="${data.map.center.join(",")}" data-state="loading"></div>
<aside id="thumbnail" hidden><img alt="" width="256" height="192"><p class="muted" id="thumbnail-caption"></p></aside>
</section>`;
  const head =
    data.map === undefined
      ? html``
      : html`<link rel="stylesheet" href="/assets/maplibre-gl.css">
<script src="/assets/maplibre-gl.js" defer></script>
<script src="/assets/map.js" defer></script>`;
  return layout(
    "Your images",
    html`<h2>Images of ${data.username}</h2>
${map}
<p class="muted">Area ${data.bbox.join(", ")} (west, south, east, north) · <span id="image-count">${data.rows.length}</span> shown on page ${data.page}, ${data.scanned} looked at. Click a point on the map for its thumbnail.</p>
${table}
${pager}
<p><a href="/">Home</a></p>
${signOutForm()}`,
    head,
  );
}

const FAILURES: Readonly<Record<LoginFailure, { title: string; message: string }>> = {
  denied: {
    title: "Sign-in cancelled",
    message: "You declined to give this app access to your Mapillary account, so you are not signed in. Nothing was shared.",
  },
  state: {
    title: "Sign-in could not be verified",
    message:
      "The answer from Mapillary does not belong to the sign-in started in this browser (the state does not match). " +
      "This can happen when a sign-in link is reused or was sent to you by someone else. You are not signed in.",
  },
  expired: {
    title: "Sign-in expired",
    message: "This sign-in was not started in this browser, took too long, or was already completed. You are not signed in.",
  },
  invalid: { title: "Sign-in failed", message: "Mapillary sent back an answer this app cannot accept. You are not signed in." },
  error: { title: "Sign-in failed", message: "Mapillary did not complete the sign-in. You are not signed in; try again in a moment." },
  session: { title: "Signed out", message: "Mapillary no longer accepts your sign-in (it expired or was revoked). Please sign in again." },
};

/**
 * The page shown when a sign-in did not complete.
 *
 * @example
 * ```ts
 * import { loginFailedPage } from "@mly/web";
 *
 * const page = loginFailedPage("denied", undefined);
 * ```
 */
export function loginFailedPage(reason: LoginFailure, detail: string | undefined): Html {
  const { title, message } = FAILURES[reason];
  return layout(
    title,
    html`<h2 id="failure-title">${title}</h2>
<p class="notice" id="failure" data-reason="${reason}">${message}</p>
${detail === undefined ? html`` : html`<p class="muted">Details: <code id="failure-detail">${detail}</code></p>`}
${signInForm()}
<p><a href="/">Home</a></p>`,
  );
}

/**
 * A generic error page (no secrets: only a fixed message and an error code).
 *
 * @example
 * ```ts
 * import { errorPage } from "@mly/web";
 *
 * const page = errorPage("Mapillary is busy", "Try again in a minute.");
 * ```
 */
export function errorPage(title: string, message: string): Html {
  return layout(title, html`<h2>${title}</h2><p class="notice" id="error">${message}</p><p><a href="/">Home</a></p>`);
}

/**
 * The 404 page, in the app's style.
 *
 * @example
 * ```ts
 * import { notFoundPage } from "@mly/web";
 *
 * const page = notFoundPage("/nowhere");
 * ```
 */
export function notFoundPage(path: string): Html {
  return layout(
    "Not found",
    html`<h2 id="not-found">Nothing here</h2>
<p class="notice">There is no page at <code>${path.slice(0, 200)}</code>.</p>
<p><a class="button" href="/">Home</a> <a href="/images">Your images</a></p>`,
  );
}

function signInForm(): Html {
  return html`<form method="post" action="/login">
  <input type="hidden" name="returnTo" value="/images">
  <button type="submit" id="sign-in">Sign in with Mapillary</button>
</form>`;
}

function signOutForm(): Html {
  return html`<form method="post" action="/logout"><button type="submit" class="secondary" id="sign-out">Sign out</button></form>`;
}
