import type { Command } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { profileName } from "../session.ts";

/** `mly logout`: forgets the profile's token. */
export const logoutCommand: Command = {
  name: "logout",
  summary: "Delete the profile's token from the store",
  options: {},
  help: `Usage: mly logout [--profile NAME]

Deletes the profile's token from the file store and forgets the profile. Mapillary has no
revocation endpoint: the token stays valid on the server until it expires; remove the app's
access in your Mapillary settings to cut it off at once.`,
  async run(context) {
    const name = profileName(context);
    const record = await context.profiles.get(name);
    if (record === undefined) {
      context.err(`No profile ${JSON.stringify(name)}: nothing to do.`);
      return EXIT.ok;
    }
    await context.store.delete(record.tokenKey);
    await context.profiles.remove(name);
    context.err(`${context.style.green("✓")} Logged out of profile ${name} (token deleted).`);
    return EXIT.ok;
  },
};
