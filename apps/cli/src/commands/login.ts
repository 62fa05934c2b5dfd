import { createClient, parseScopes } from "@mly/auth-core";
import { CliError } from "../cli_error.ts";
import type { Command } from "../command.ts";
import { requireCredential } from "../credentials.ts";
import { EXIT } from "../exit_codes.ts";
import { humanExpiry } from "../human_time.ts";
import { loopbackLogin } from "../loopback_login.ts";
import { openBrowser } from "../open_browser.ts";
import { intOption, stringOption } from "../options.ts";
import { isProviderId, LOGIN_PROVIDERS, providerProfile, type ProviderId } from "../providers.ts";
import { profileName, saveLogin } from "../session.ts";

/** `mly login`: the authorization-code flow with a loopback callback server. */
export const loginCommand: Command = {
  name: "login",
  summary: "Log in with the browser (authorization code, loopback callback) and save the token",
  options: {
    provider: { type: "string" },
    scopes: { type: "string" },
    port: { type: "string" },
    "no-browser": { type: "boolean" },
    pkce: { type: "boolean" },
    timeout: { type: "string" },
  },
  help: `Usage: mly login [--provider mapillary|mapillary-v2] [--profile NAME] [--scopes LIST] [--port N] [--no-browser]

Logs in through the browser: starts a one-shot callback server on http://127.0.0.1:<port>/callback,
opens the authorization page (or prints its URL), checks the callback's state, exchanges the
code and saves the token under the profile in the file store.

Options:
  --provider NAME    mapillary (API v4, default) or mapillary-v2 (legacy)
  -p, --profile NAME the profile to save the token under (default: default)
  --scopes LIST      scopes, comma or space separated (default: read; v2: user:read)
  --port N           callback port; must match the callback registered with the app
                     (default 8765; 0 = any free port, allowed by the sandbox)
  --no-browser       do not open a browser; print the URL to open
  --pkce             send PKCE S256 even where the provider does not document it
  --timeout SECONDS  give up waiting for the callback (default 300)

Credentials: MAPILLARY_CLIENT_ID and MAPILLARY_CLIENT_SECRET (or --client-id/--client-secret;
v2 also reads MAPILLARY_V2_CLIENT_ID/SECRET). Register http://127.0.0.1:8765/callback as the
app's callback URL.`,
  async run(context, { values }) {
    const provider = stringOption(values["provider"]) ?? "mapillary";
    if (!isProviderId(provider) || !LOGIN_PROVIDERS.includes(provider)) {
      throw new CliError(`--provider must be one of ${LOGIN_PROVIDERS.join(", ")} (got ${JSON.stringify(provider)}). Mapiq has no user login: use \`mly mapiq token\`.`, EXIT.usage);
    }
    const name = profileName(context);
    const credentials = context.credentials(provider);
    const clientId = requireCredential(provider, credentials, "clientId");
    const clientSecret = requireCredential(provider, credentials, "clientSecret");
    const sandboxUrl = context.server.kind === "sandbox" ? context.server.url : undefined;
    const profile = providerProfile(provider, sandboxUrl);
    const scopesText = stringOption(values["scopes"]);
    const scopes = scopesText === undefined ? undefined : parseScopes(scopesText.replace(/,/g, " "), profile.scopes, profile.name);
    const port = intOption(values["port"], "port", sandboxUrl === undefined ? 8765 : 0, 0);
    const style = context.style;

    const tokens = await loopbackLogin({
      profile,
      client: createClient({ clientId, clientSecret }),
      scopes,
      port,
      pkce: values["pkce"] === true ? true : undefined,
      timeoutMs: intOption(values["timeout"], "timeout", 300) * 1000,
      signal: context.signal,
      onIgnoredCallback: (reason) => {
        context.err(style.yellow(`Ignored a callback that does not belong to this login: ${reason}`));
      },
      onAuthorizationUrl: async (url, redirectUri) => {
        const opened = values["no-browser"] !== true && (await openBrowser(url));
        context.err(opened ? "Opened your browser. If nothing happened, open this URL:" : "Open this URL in a browser to log in:");
        context.err(`  ${style.cyan(url)}`);
        context.err(style.dim(`Waiting for the callback on ${redirectUri} … (Ctrl-C to cancel)`));
      },
    });

    await saveLogin(context, { name, provider: provider satisfies ProviderId, clientId, tokens, sandboxUrl });
    context.err(
      `${style.green("✓")} Logged in to ${profile.name} as profile ${style.bold(name)}` +
        ` (scopes: ${tokens.scopes.length > 0 ? tokens.scopes.join(" ") : "none"}; expires ${humanExpiry(tokens.expiresAt, Date.now())}).`,
    );
    context.err(style.dim(`Token saved in ${context.configDir}/tokens${sandboxUrl === undefined ? "" : ` (sandbox ${sandboxUrl})`}.`));
    return EXIT.ok;
  },
};
