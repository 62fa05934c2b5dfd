/**
 * The pages of the web app. Every value from the user, the provider or the URL goes through
 * the escaping `html` template.
 *
 * @module
 */
import { html, layout, type SafeHtml } from "./html.ts";

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
export function homePage(options: { user: { id: string; username: string | undefined } | undefined; notice: string | undefined }): string {
  const notice = options.notice === undefined ? html`` : html`<p class="notice" id="notice">${options.notice}</p>`;
  if (options.user === undefined) {
    return layout(
      "Sign in",
      html`${notice}
<p>This sample app signs you in with your Mapillary account (OAuth 2.0 authorization code flow, run on the server) and lists your images.</p>
<form method="post" action="/login">
  <input type="hidden" name="returnTo" value="/images">
  <button type="submit" id="sign-in">Sign in with Mapillary</button>
</form>`,
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
 * The images page: a table of the signed-in user's images.
 *
 * @example
 * ```ts
 * import { imagesPage } from "@mly/web";
 *
 * const page = imagesPage({ username: "alice", rows: [], scanned: 0, bbox: [0, 0, 1, 1] });
 * ```
 */
export function imagesPage(options: { username: string; rows: readonly ImageRow[]; scanned: number; bbox: readonly number[] }): string {
  const rows = options.rows.map(
    (row) => html`<tr data-image-id="${row.id}">
  <td>${row.link === undefined ? row.id : html`<a href="${row.link}" rel="noreferrer noopener" target="_blank">${row.id}</a>`}</td>
  <td>${row.capturedAt ?? "—"}</td>
  <td>${row.compassAngle === undefined ? "—" : row.compassAngle.toFixed(1)}</td>
  <td>${row.sequence ?? "—"}</td>
</tr>`,
  );
  const table =
    options.rows.length === 0
      ? html`<p id="no-images">No images of yours in this area (${options.scanned} images looked at).</p>`
      : html`<table id="images">
<thead><tr><th>image</th><th>captured at</th><th>compass angle</th><th>sequence</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  return layout(
    "Your images",
    html`<h2>Images of ${options.username}</h2>
<p class="muted">Area ${options.bbox.join(", ")} (west, south, east, north) · <span id="image-count">${options.rows.length}</span> shown, ${options.scanned} looked at.</p>
${table}
<p><a href="/">Home</a></p>
${signOutForm()}`,
  );
}

const _FAILURES: Readonly<Record<LoginFailure, { title: string; message: string }>> = {
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
export function loginFailedPage(reason: LoginFailure, detail: string | undefined): string {
  const { title, message } = _FAILURES[reason];
  return layout(
    title,
    html`<h2 id="failure-title">${title}</h2>
<p class="notice" id="failure" data-reason="${reason}">${message}</p>
${detail === undefined ? html`` : html`<p class="muted">Details: <code id="failure-detail">${detail}</code></p>`}
<form method="post" action="/login">
  <input type="hidden" name="returnTo" value="/images">
  <button type="submit" id="sign-in">Sign in with Mapillary</button>
</form>
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
export function errorPage(title: string, message: string): string {
  return layout(title, html`<h2>${title}</h2><p class="notice" id="error">${message}</p><p><a href="/">Home</a></p>`);
}

function signOutForm(): SafeHtml {
  return html`<form method="post" action="/logout"><button type="submit" class="secondary" id="sign-out">Sign out</button></form>`;
}
