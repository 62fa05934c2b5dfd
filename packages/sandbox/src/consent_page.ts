import { escapeHtml, htmlDocument } from "./html.ts";

/** What the consent page shows. */
export interface ConsentPageModel {
  serviceName: string;
  appName: string;
  userName: string;
  scopes: readonly string[];
  /** Path the form posts to. */
  action: string;
  requestId: string;
}

/**
 * The consent screen: app name, requested scopes, and Approve / Deny buttons (ids `approve`
 * and `deny`) that submit a real form POST, so a real browser or a headless one can click them.
 */
export function consentPage(model: ConsentPageModel): string {
  const scopes = model.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join("\n");
  return htmlDocument(
    `Authorize ${model.appName} | ${model.serviceName}`,
    `<h1>Authorize <span id="app-name">${escapeHtml(model.appName)}</span></h1>
<p>Signed in to ${escapeHtml(model.serviceName)} as <strong id="user-name">${escapeHtml(model.userName)}</strong>.</p>
<p><strong>${escapeHtml(model.appName)}</strong> would like to:</p>
<ul id="scopes">
${scopes}
</ul>
<form method="post" action="${escapeHtml(model.action)}">
<input type="hidden" name="request_id" value="${escapeHtml(model.requestId)}">
<button type="submit" id="approve" name="decision" value="approve">Approve</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/** An error page shown instead of redirecting (when the client or redirect URI can't be trusted). */
export function errorPage(serviceName: string, message: string): string {
  return htmlDocument(
    `Error | ${serviceName}`,
    `<h1>Something went wrong</h1>
<p id="error">${escapeHtml(message)}</p>`,
  );
}
