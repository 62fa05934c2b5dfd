/**
 * The page shell of the web app, on Hono's `html` helper (every interpolated value is escaped).
 *
 * @module
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

/** A rendered page or fragment, as Hono's `html` helper returns it (`c.html()` takes it). */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * The page shell: a title, a header with the app name, the body; `head` adds to `<head>`.
 *
 * @example
 * ```ts
 * import { html } from "hono/html";
 * import { layout } from "@mly/web";
 *
 * const page = layout("Hello", html`<p>Hi</p>`); // a complete HTML document
 * ```
 */
export function layout(title: string, body: Html, head: Html = html``): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · mly web</title>
<link rel="stylesheet" href="/assets/app.css">
${head}
</head>
<body>
<header><h1><a href="/">mly web</a></h1><span class="muted">Sign in with Mapillary — sample app</span></header>
<main>
${body}
</main>
</body>
</html>
`;
}
