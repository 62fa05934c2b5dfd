import { createClient } from "@mly/auth-core";
import { revokeToken } from "@mly/fetch/oauth2";
import type { Command } from "../command.ts";
import type { Context } from "../context.ts";
import { describeError } from "../describe_error.ts";
import { EXIT } from "../exit_codes.ts";
import type { ProfileRecord } from "../profile_book.ts";
import { profileName, recordProfile } from "../session.ts";

/** `mly logout [--revoke]`: forgets the profile's token, after revoking it at the server when asked and possible. */
export const logoutCommand: Command = {
  name: "logout",
  summary: "Delete the profile's token from the store (--revoke: revoke it at the server first)",
  options: { revoke: { type: "boolean" } },
  help: `Usage: mly logout [--profile NAME] [--revoke]

Deletes the profile's token from the file store and forgets the profile.

With --revoke, first revokes the tokens at the server's RFC 7009 revocation endpoint (the refresh
token, which ends the grant, then the access token), where the profile has one: a generic OAuth
2.0 server that announces it (mly login --issuer). The local copy is deleted either way; when the
revocation fails, mly says so and exits with the error's code (the tokens may stay valid until
they expire).

Mapillary (v4 and v2) and Mapiq have no revocation endpoint: the token stays valid on the server
until it expires; remove the app's access in your Mapillary settings to cut it off at once.

Options:
  --revoke  revoke the tokens at the server before deleting them here`,
  async run(context, { values }) {
    const name = profileName(context);
    const record = await context.profiles.get(name);
    if (record === undefined) {
      context.err(`No profile ${JSON.stringify(name)}: nothing to do.`);
      return EXIT.ok;
    }
    const revocation = values["revoke"] === true ? await revokeRecord(context, record) : undefined;
    await context.store.delete(record.tokenKey);
    await context.profiles.remove(name);
    const check = context.style.green("✓");
    if (revocation === undefined) {
      context.err(`${check} Logged out of profile ${name} (token deleted).`);
      return EXIT.ok;
    }
    if (revocation.outcome === "revoked") {
      context.err(`${check} Revoked the tokens at ${revocation.endpoint} and logged out of profile ${name} (token deleted).`);
      return EXIT.ok;
    }
    if (revocation.outcome === "unsupported") {
      context.err(`${check} Logged out of profile ${name} (token deleted here). ${revocation.why}`);
      return EXIT.ok;
    }
    const report = describeError(revocation.error, name);
    context.err(`Logged out of profile ${name} (token deleted here), but the revocation at ${revocation.endpoint} failed: ${report.message}`);
    context.err("The tokens may stay valid on the server until they expire.");
    return report.exitCode;
  },
};

type Revocation =
  | { outcome: "revoked"; endpoint: string }
  | { outcome: "unsupported"; why: string }
  | { outcome: "failed"; endpoint: string; error: unknown };

async function revokeRecord(context: Context, record: ProfileRecord): Promise<Revocation> {
  const profile = recordProfile(context, record);
  const endpoint = profile.revocationEndpoint;
  if (endpoint === undefined) {
    return {
      outcome: "unsupported",
      why: `${profile.name} has no revocation endpoint, so nothing was revoked: the token stays valid on the server until it expires${record.provider.startsWith("mapillary") ? " (remove the app's access in your Mapillary settings to cut it off now)" : ""}.`,
    };
  }
  const stored = await context.store.get(record.tokenKey);
  if (stored === undefined) return { outcome: "unsupported", why: "There was no token to revoke." };
  const credentials = context.credentials(record.provider);
  const sameApp = credentials.clientId === undefined || credentials.clientId === record.clientId;
  const client = createClient({ clientId: record.clientId, ...(sameApp && credentials.clientSecret !== undefined ? { clientSecret: credentials.clientSecret } : {}) });
  try {
    await revokeToken(profile, client, stored.tokens, { signal: context.signal });
    return { outcome: "revoked", endpoint };
  } catch (error) {
    return { outcome: "failed", endpoint, error };
  }
}
