import { createClient, formatTokenKey, isMlyError } from "@mly/auth-core";
import { HTTPError } from "ky";
import { createApiClient, type ApiClient } from "@mly/fetch";
import { CliError } from "../cli_error.ts";
import type { Command } from "../command.ts";
import type { Context } from "../context.ts";
import { requireCredential } from "../credentials.ts";
import { EXIT } from "../exit_codes.ts";
import { humanExpiry } from "../human_time.ts";
import { adaptivePoliciesFor } from "@mly/ratelimit/adaptive";
import { providerProfile } from "../providers.ts";

/** An API client of Mapiq with client credentials; the app token is cached in the file store. */
export function mapiqApi(context: Context): ApiClient {
  const credentials = context.credentials("mapiq");
  const clientId = requireCredential("mapiq", credentials, "clientId");
  const clientSecret = requireCredential("mapiq", credentials, "clientSecret");
  const profile = providerProfile("mapiq", context.sandboxUrlFor(undefined));
  return createApiClient({
    profile,
    client: createClient({ clientId, clientSecret }),
    store: context.store,
    tokenKey: formatTokenKey({ provider: "mapiq", clientId, profile: context.server.kind === "sandbox" ? "sandbox" : "default" }),
    limiter: adaptivePoliciesFor(profile),
    retryOnRateLimit: { maxWaitMs: 120_000 },
  });
}

const CREDENTIALS = `Credentials: MAPIQ_CLIENT_ID and MAPIQ_CLIENT_SECRET (or --client-id/--client-secret), issued by
Mapiq support. The app token is cached in the token store and renewed before it expires.`;

/** `mly mapiq token`: a client-credentials token. */
export const mapiqTokenCommand: Command = {
  name: "mapiq token",
  summary: "Get a Mapiq app token (client credentials); --reveal prints it",
  options: { reveal: { type: "boolean" } },
  help: `Usage: mly mapiq token [--reveal]

Gets (or reuses) a Mapiq access token with the client-credentials grant. Prints its expiry;
with --reveal, prints only the token on stdout, for scripts.

Options:
  --reveal  print the token itself (only the token, on stdout)

${CREDENTIALS}`,
  async run(context, { values }) {
    const api = mapiqApi(context);
    const coordinator = api.coordinator;
    if (coordinator === undefined) throw new Error("mapiq client without coordinator");
    const tokens = await coordinator.getToken(api.tokenKey, { signal: context.signal });
    if (values["reveal"] === true) {
      context.out(tokens.accessToken.reveal());
      return EXIT.ok;
    }
    context.err(`Mapiq app token (${tokens.tokenType}) for client ${api.client.clientId}, expires ${humanExpiry(tokens.expiresAt, Date.now())}${coordinator.refreshCount > 0 ? " (new)" : " (cached)"}.`);
    context.err(context.style.dim("Not printed: add --reveal to print the token itself."));
    return EXIT.ok;
  },
};

/** `mly mapiq get /v2/…`: one authenticated, rate-limited GET. */
export const mapiqGetCommand: Command = {
  name: "mapiq get",
  summary: "GET a Mapiq API path (/v2/…) with client credentials, under the rate limit",
  options: {},
  help: `Usage: mly mapiq get /v2/PATH[?QUERY]

Sends GET https://api.mapiq.com/v2/PATH with a client-credentials token through the rate limiter
(20 requests per minute per operation; a 429 is waited out) and prints the JSON body.
Example: mly mapiq get /v2/buildings

${CREDENTIALS}`,
  async run(context, { positionals }) {
    const path = positionals[0];
    if (path === undefined || positionals.length > 1 || !/^\/?v2\/[\w\-./{}%?=&,]*$/.test(path) || path.includes("..")) {
      throw new CliError(`mly mapiq get needs one API path starting with /v2/, e.g. \`mly mapiq get /v2/buildings\`${path === undefined ? "" : ` (got ${JSON.stringify(positionals.join(" "))})`}.`, EXIT.usage);
    }
    const api = mapiqApi(context);
    let body: unknown;
    try {
      body = await api.ky.get(path.replace(/^\//, ""), { signal: context.signal }).json();
    } catch (error) {
      if (statusOf(error) === 404) throw notFound(path, error);
      throw error;
    }
    context.out(JSON.stringify(body, null, 2));
    return EXIT.ok;
  },
};

/** The HTTP status behind an error of the API client (a core `MlyError` or ky's `HTTPError`). */
function statusOf(error: unknown): number | undefined {
  if (isMlyError(error)) return error.status;
  if (error instanceof HTTPError) return error.response.status;
  return undefined;
}

/** A 404 from `mly mapiq get`: what it means and what to try. */
function notFound(path: string, cause: unknown): CliError {
  const clean = `/${path.replace(/^\//, "").replace(/\?.*$/, "")}`;
  const parent = clean.replace(/\/[^/]+$/, "");
  const tryList = parent.split("/").length >= 3 ? ` To see what exists there, list it: \`mly mapiq get ${parent}\`.` : "";
  return new CliError(
    `GET ${clean} answered 404: Mapiq has no such path or id.\nHint: check the spelling and the id (paths start with /v2/, e.g. \`mly mapiq get /v2/buildings\`).${tryList}`,
    EXIT.other,
    { cause },
  );
}
