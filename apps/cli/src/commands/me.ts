import { CliError } from "../cli_error.ts";
import type { Command } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { profileApi, requireProfile } from "../session.ts";

/** `mly me`: who the profile's token belongs to. */
export const meCommand: Command = {
  name: "me",
  summary: "Show the user the profile's token belongs to",
  options: { json: { type: "boolean" } },
  help: `Usage: mly me [--json]

Calls the provider's "me" endpoint with the profile's token (Mapillary v4: GET /me?fields=id,username;
v2: GET /v2/me) and prints the user.

Options:
  --json  print the API's JSON answer as is`,
  async run(context, { values }) {
    const record = await requireProfile(context);
    if (record.provider === "oauth2") throw new CliError(`mly me knows Mapillary's "me" calls; ${record.name} is a generic OAuth 2.0 profile (${record.server?.issuer ?? "?"}).`, EXIT.usage);
    const api = profileApi(context, record);
    const body: Record<string, unknown> =
      record.provider === "mapillary-v2"
        ? await api.ky.get("v2/me", { signal: context.signal }).json()
        : await api.ky.get("me", { searchParams: { fields: "id,username" }, signal: context.signal }).json();
    if (values["json"] === true) {
      context.out(JSON.stringify(body));
      return EXIT.ok;
    }
    const username = text(body["username"] ?? body["name"]) ?? "(no username)";
    const id = text(body["id"] ?? body["key"]) ?? "?";
    context.out(`${username} (id ${id}) — profile ${record.name}, ${api.profile.name}`);
    return EXIT.ok;
  },
};

function text(value: unknown): string | undefined {
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}
