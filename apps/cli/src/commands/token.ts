import type { Command } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { humanExpiry } from "../human_time.ts";
import { profileApi, profileToken, requireProfile } from "../session.ts";

/** `mly token`: the profile's access token for scripts, only with `--reveal`. */
export const tokenCommand: Command = {
  name: "token",
  summary: "Print the profile's access token (only with --reveal), refreshed first when due",
  options: { reveal: { type: "boolean" } },
  help: `Usage: mly token [--reveal]

Prints the profile's access token on stdout (nothing else), for scripts:
  curl -H "Authorization: OAuth $(mly token --reveal)" "https://graph.mapillary.com/me?fields=id"
The token is refreshed first when it is due. Without --reveal, prints what the token is
(type, scopes, expiry) but not its value.

Options:
  --reveal  print the token itself (only the token, on stdout)

The token is equivalent to the user's password: do not paste it into chats or logs.`,
  async run(context, { values }) {
    const record = await requireProfile(context);
    const tokens = await profileToken(context, profileApi(context, record));
    if (values["reveal"] === true) {
      context.out(tokens.accessToken.reveal());
      return EXIT.ok;
    }
    context.err(
      `${record.name}: ${record.provider} user token (${tokens.tokenType}), scopes ${tokens.scopes.join(" ") || "(none)"}, expires ${humanExpiry(tokens.expiresAt, Date.now())}.`,
    );
    context.err(context.style.dim("Not printed: add --reveal to print the token itself."));
    return EXIT.ok;
  },
};
