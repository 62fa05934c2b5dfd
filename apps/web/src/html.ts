/**
 * HTML helpers: one escaper for every value that reaches a page, and the page shell.
 *
 * @module
 */

const _ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "@mly/web";
 *
 * escapeHtml(`<img src=x onerror="alert(1)">`); // "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => _ENTITIES[char] ?? char);
}

/** A piece of HTML that is already safe (built only from escaped values and literals). */
export interface SafeHtml {
  /** The markup. */
  readonly html: string;
}

/**
 * A tagged template that escapes every interpolated value, except {@link SafeHtml} pieces and
 * arrays of them.
 *
 * @example
 * ```ts
 * import { html } from "@mly/web";
 *
 * const name = "<b>bob</b>";
 * html`<p>Hello ${name}</p>`.html; // "<p>Hello &lt;b&gt;bob&lt;/b&gt;</p>"
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: readonly unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += _render(value) + (strings[i + 1] ?? "");
  });
  return { html: out };
}

function _render(value: unknown): string {
  if (Array.isArray(value)) return value.map(_render).join("");
  if (typeof value === "object" && value !== null && "html" in value && typeof (value as SafeHtml).html === "string") return (value as SafeHtml).html;
  if (value === undefined || value === null || value === false) return "";
  if (typeof value === "string") return escapeHtml(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return escapeHtml(String(value));
  throw new TypeError("html`…` takes strings, numbers, SafeHtml and arrays of them.");
}

/**
 * The page shell: a title, a header with the app name, and the body.
 *
 * @example
 * ```ts
 * import { html, layout } from "@mly/web";
 *
 * const page = layout("Hello", html`<p>Hi</p>`); // a complete HTML document
 * ```
 */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · mly web</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 56rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  header { display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid #ddd; margin-bottom: 1.5rem; }
  button, .button { font: inherit; padding: .5rem 1rem; border-radius: .4rem; border: 1px solid #05a370; background: #05cb63; color: #fff; cursor: pointer; text-decoration: none; }
  button.secondary { background: #fff; color: #333; border-color: #aaa; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; }
  .notice { padding: 1rem; border-radius: .4rem; background: #fff4e5; border: 1px solid #f0b46c; }
  .muted { color: #666; }
</style>
</head>
<body>
<header><h1><a href="/" style="color:inherit;text-decoration:none">mly web</a></h1><span class="muted">Sign in with Mapillary — sample app</span></header>
<main>
${body}
</main>
</body>
</html>
`.html;
}
