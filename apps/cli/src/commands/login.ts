import { createClient, parseScopes, type ProviderProfile, type TokenSet } from "@mly/auth-core";
import { discoverProfile } from "@mly/fetch/oauth2";
import { CliError } from "../cli_error.ts";
import type { Command } from "../command.ts";
import { requireCredential } from "../credentials.ts";
import { EXIT } from "../exit_codes.ts";
import { humanExpiry } from "../human_time.ts";
import { loginUser } from "../login_user.ts";
import { loopbackLogin } from "../loopback_login.ts";
import { openBrowser } from "../open_browser.ts";
import { intOption, stringOption } from "../options.ts";
import { pasteLogin } from "../paste_login.ts";
import { isProviderId, LOGIN_PROVIDERS, oauth2Server, providerProfile, type OAuth2Server, type ProviderId } from "../providers.ts";
import { profileName, saveLogin } from "../session.ts";
import { tokenLogin } from "../token_login.ts";

/** `mly login`: the authorization-code flow (loopback callback, or the redirected URL pasted), or a token from stdin. */
export const loginCommand: Command = {
  name: "login",
  summary: "Log in with the browser (loopback callback, or --paste over SSH) or save a token (--token)",
  options: {
    provider: { type: "string" },
    scopes: { type: "string" },
    port: { type: "string" },
    "no-browser": { type: "boolean" },
    pkce: { type: "boolean" },
    timeout: { type: "string" },
    paste: { type: "boolean" },
    "redirect-uri": { type: "string" },
    token: { type: "boolean" },
    issuer: { type: "string" },
  },
  help: `Usage: mly login [--provider mapillary|mapillary-v2] [--profile NAME] [--scopes LIST] [--port N] [--no-browser]
       mly login --issuer URL [--scopes LIST] [--paste --redirect-uri URL] …
       mly login --paste --redirect-uri URL [--provider …] [--profile NAME] [--scopes LIST]
       mly login --token [--provider …] [--profile NAME] < token.txt

Logs in through the browser: starts a one-shot callback server on http://127.0.0.1:<port>/callback,
opens the authorization page (or prints its URL), checks the callback's state, exchanges the
code and saves the token under the profile in the file store, with the user name behind it.

Without a browser on this machine (SSH): --paste prints the authorization URL; open it anywhere,
log in, and paste the URL the browser lands on (the app's registered callback, even if that page
fails to load) or its code. The pasted URL is checked like a callback (state, single use).

With a token obtained elsewhere: --token reads it from stdin (never from the command line),
checks it with one call to the API and saves it under the profile.

Options:
  --provider NAME    mapillary (API v4, default), mapillary-v2 (legacy) or oauth2 (with --issuer)
  -p, --profile NAME the profile to save the token under (default: default)
  --scopes LIST      scopes, comma or space separated (default: read; v2: user:read)
  --port N           callback port; must match the callback registered with the app
                     (default 8765; 0 = any free port, allowed by the sandbox)
  --no-browser       do not open a browser; print the URL to open
  --pkce             send PKCE S256 even where the provider does not document it
  --timeout SECONDS  give up waiting for the callback (default 300)
  --paste            log in without a local callback: paste the redirected URL on stdin
  --redirect-uri URL with --paste: the app's registered callback URL (https://…)
  --token            save a user token read from stdin, after checking it
  --issuer URL       any OAuth 2.0 server (--provider oauth2): its endpoints are discovered
                     (RFC 8414 / OpenID); credentials OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET
                     (no secret: a public client)

Credentials: MAPILLARY_CLIENT_ID and MAPILLARY_CLIENT_SECRET (or --client-id/--client-secret;
v2 also reads MAPILLARY_V2_CLIENT_ID/SECRET; --token needs the client id only). Register
http://127.0.0.1:8765/callback as the app's callback URL for the browser login.`,
  async run(context, { values, positionals }) {
    if (positionals.length > 0) {
      // Never echoed: it may be a token typed on the command line.
      throw new CliError(
        values["token"] === true
          ? "mly login --token reads the token from stdin, never from the command line (other users see arguments in ps and shell history): `mly login --token < token.txt`, or paste it when asked."
          : "mly login takes no arguments. See `mly login --help`.",
        EXIT.usage,
      );
    }
    const issuer = stringOption(values["issuer"]);
    const provider = stringOption(values["provider"]) ?? (issuer === undefined ? "mapillary" : "oauth2");
    if (!isProviderId(provider) || !LOGIN_PROVIDERS.includes(provider)) {
      throw new CliError(`--provider must be one of ${LOGIN_PROVIDERS.join(", ")} (got ${JSON.stringify(provider)}). Mapiq has no user login: use \`mly mapiq token\`.`, EXIT.usage);
    }
    if ((provider === "oauth2") !== (issuer !== undefined)) {
      throw new CliError(provider === "oauth2" ? "--provider oauth2 needs --issuer URL: the authorization server to discover." : `--issuer is for a generic OAuth 2.0 server, not ${provider}.`, EXIT.usage);
    }
    const mode = loginMode(values);
    if (mode === "token" && provider === "oauth2") {
      throw new CliError("--token checks a token with the provider's \"me\" call, which Mapillary v4 and v2 have and a generic OAuth 2.0 server does not.", EXIT.usage);
    }
    const name = profileName(context);
    const credentials = context.credentials(provider);
    const clientId = requireCredential(provider, credentials, "clientId");
    const sandboxUrl = context.server.kind === "sandbox" && provider !== "oauth2" ? context.server.url : undefined;
    const style = context.style;
    // A generic server without a client secret: a public client (`none`).
    const clientSecret = provider === "oauth2" ? credentials.clientSecret : mode === "token" ? undefined : requireCredential(provider, credentials, "clientSecret");
    let profile: ProviderProfile;
    let server: OAuth2Server | undefined;
    if (provider === "oauth2") {
      profile = await discoverProfile(issuer ?? "", { ...(clientSecret === undefined ? { tokenEndpointAuth: "none" as const } : {}), signal: context.signal });
      server = oauth2Server(profile);
    } else {
      profile = providerProfile(provider, sandboxUrl);
    }
    if (mode === "token" && provider !== "oauth2") {
      return tokenLogin(context, { name, provider, clientId, profile, sandboxUrl, input: process.stdin });
    }
    const client = createClient({ clientId, ...(clientSecret === undefined ? {} : { clientSecret }) });
    const scopesText = stringOption(values["scopes"]);
    const scopes = scopesText === undefined ? undefined : parseScopes(scopesText.replace(/,/g, " "), profile.scopes, profile.name);
    const pkce = values["pkce"] === true ? true : undefined;

    let tokens: TokenSet;
    if (mode === "paste") {
      const redirectUri = stringOption(values["redirect-uri"]);
      if (redirectUri === undefined) {
        throw new CliError("--paste needs --redirect-uri URL: the callback URL registered with the app (e.g. https://example.com/mapillary/callback); the browser is sent there after consent.", EXIT.usage);
      }
      tokens = await pasteLogin({
        profile,
        client,
        redirectUri,
        scopes,
        pkce,
        input: process.stdin,
        signal: context.signal,
        onAuthorizationUrl: (url) => {
          context.err("Open this URL in a browser on any machine and log in:");
          context.err(`  ${style.cyan(url)}`);
          context.err(`Then paste the URL the browser lands on (${redirectUri}?code=…; it may fail to load, that is fine) and press Enter:`);
        },
        onBareCode: () => {
          context.err(style.yellow("A bare code carries no state, so mly cannot check that it answers this login; paste the whole URL when you can."));
        },
      });
    } else {
      const port = intOption(values["port"], "port", sandboxUrl === undefined ? 8765 : 0, 0);
      tokens = await loopbackLogin({
        profile,
        client,
        scopes,
        port,
        pkce,
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
    }

    const user = await loginUser(profile, tokens, client, {
      signal: context.signal,
      onFailure: (message) => {
        context.err(style.dim(`Logged in, but the user name could not be looked up (mly status will not show it): ${message}`));
      },
    });
    await saveLogin(context, { name, provider: provider satisfies ProviderId, clientId, tokens, sandboxUrl, user, server });
    context.err(
      `${style.green("✓")} Logged in to ${profile.name} as profile ${style.bold(name)}${user === undefined ? "" : ` (user ${user.username ?? user.id})`}` +
        ` (scopes: ${tokens.scopes.length > 0 ? tokens.scopes.join(" ") : "none"}; expires ${humanExpiry(tokens.expiresAt, Date.now())}).`,
    );
    context.err(style.dim(`Token saved in ${context.configDir}/tokens${sandboxUrl === undefined ? "" : ` (sandbox ${sandboxUrl})`}.`));
    return EXIT.ok;
  },
};

/** Which login: the loopback flow (default), `--paste` or `--token`; the options of one mode are refused with another. */
function loginMode(values: Record<string, string | boolean | undefined>): "loopback" | "paste" | "token" {
  const paste = values["paste"] === true;
  const token = values["token"] === true;
  if (paste && token) throw new CliError("--paste and --token are two different logins: pick one.", EXIT.usage);
  const loopbackOnly = ["port", "no-browser", "timeout"].filter((option) => values[option] !== undefined);
  const codeOnly = ["scopes", "pkce"].filter((option) => values[option] !== undefined);
  if ((paste || token) && loopbackOnly.length > 0) {
    throw new CliError(`--${loopbackOnly[0] ?? ""} is an option of the browser login with a loopback callback, not of ${paste ? "--paste" : "--token"}.`, EXIT.usage);
  }
  if (token && codeOnly.length > 0) throw new CliError(`--${codeOnly[0] ?? ""} does not apply to --token: the token already has its scopes.`, EXIT.usage);
  if (!paste && values["redirect-uri"] !== undefined) throw new CliError("--redirect-uri goes with --paste (the loopback login uses http://127.0.0.1:<port>/callback).", EXIT.usage);
  return paste ? "paste" : token ? "token" : "loopback";
}
