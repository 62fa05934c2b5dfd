/**
 * The page the browser shows after the login callback: success ("you can close this tab") or a
 * clear error. Self-contained HTML, no scripts, text escaped.
 *
 * @example
 * ```ts
 * import { callbackPage } from "./callback_page.ts";
 *
 * const html = callbackPage({ ok: true, title: "Logged in to Mapillary", detail: "Profile default." });
 * ```
 */
export function callbackPage(page: { ok: boolean; title: string; detail: string }): string {
  const colour = page.ok ? "#1a7f37" : "#cf222e";
  const hint = page.ok ? "You can close this tab and return to the terminal." : "Return to the terminal for details, then run <code>mly login</code> again.";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>mly — ${escape(page.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:15vh auto;padding:0 1rem;color:#24292f}
h1{color:${colour};font-size:1.5rem}code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>${page.ok ? "✓" : "✗"} ${escape(page.title)}</h1><p>${escape(page.detail)}</p><p>${hint}</p></body></html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
