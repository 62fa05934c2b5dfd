import type { IncomingMessage, ServerResponse } from "node:http";

import type Provider from "oidc-provider";

/** Query parameters that {@link authorize} (or a person in a browser) can add to an interaction URL. */
export const ACCOUNT_PARAM = "account";
export const DECISION_PARAM = "decision";

/**
 * Completes any login/consent interaction at once: signs in the account (the one already in
 * the session, else `?account=`, else the default), grants every requested scope and claim, and
 * redirects back to the authorization endpoint to resume. `?decision=deny` ends the request with
 * `access_denied` instead. A browser sent here lands on the client's callback with no page in
 * between, and so does {@link authorize}.
 */
export async function finishInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  defaultAccountId: string,
): Promise<void> {
  const query = new URL(req.url ?? "/", "http://harness.invalid").searchParams;
  const details = await provider.interactionDetails(req, res);

  if (query.get(DECISION_PARAM) === "deny") {
    await provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "the harness was told to deny this request" },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  const accountId = details.session?.accountId ?? query.get(ACCOUNT_PARAM) ?? defaultAccountId;
  const existing = details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId);
  const grant = existing ?? new provider.Grant({ accountId, clientId: String(details.params["client_id"]) });

  const scope = details.params["scope"];
  if (typeof scope === "string" && scope !== "") grant.addOIDCScope(scope);
  const missingClaims = details.prompt.details["missingOIDCClaims"];
  if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims.map(String));
  const grantId = await grant.save();

  await provider.interactionFinished(
    req,
    res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}
