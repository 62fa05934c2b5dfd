/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A minimal styled HTML document. */
export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 1.5rem; }
button { font-size: 1rem; padding: .5rem 1.25rem; margin-right: .5rem; border-radius: 4px; border: 1px solid #888; cursor: pointer; }
#approve { background: #05cb63; border-color: #05cb63; color: #fff; }
.note { color: #777; font-size: .85rem; }
</style>
</head>
<body>
<div class="card">
${body}
</div>
<p class="note">@mly/sandbox: a local emulator. No real account is involved.</p>
</body>
</html>
`;
}
