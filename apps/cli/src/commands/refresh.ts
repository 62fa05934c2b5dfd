import { LoginRequiredError, supportsGrant } from "@mly/auth-core";
import { CliError } from "../cli_error.ts";
import type { Command } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { humanExpiry } from "../human_time.ts";
import { profileApi, requireProfile } from "../session.ts";
import { refreshDue } from "./refresh_due.ts";

/** `mly refresh`: renews the profile's token now. */
export const refreshCommand: Command = {
  name: "refresh",
  summary: "Renew the profile's token now (Mapillary v4: before it expires)",
  options: { all: { type: "boolean" }, "if-needed": { type: "boolean" } },
  help: `Usage: mly refresh [--profile NAME] [--all] [--if-needed]

Renews the profile's token now and saves the new one (atomically, under the store's lock).
Mapillary v4 renews with the current, still-valid token: once it has expired, log in again.
Other commands refresh automatically ahead of expiry; use this to renew a long-lived token early.
Needs the app secret (MAPILLARY_CLIENT_SECRET or --client-secret).

Options:
  --if-needed  renew only tokens inside their refresh margin (a 60-day token: its last 6 days);
               prints nothing when nothing is due: safe for cron and systemd timers
  --all        every saved profile (with --if-needed)

Exit code: 0 when every token is fine, 2 when a profile needs a new login.`,
  async run(context, { values }) {
    if (values["if-needed"] === true) return refreshDue(context, values["all"] === true);
    if (values["all"] === true) throw new CliError("--all renews only what is due: use mly refresh --all --if-needed", EXIT.usage);
    const record = await requireProfile(context);
    const api = profileApi(context, record);
    const coordinator = api.coordinator;
    const stored = await context.store.get(record.tokenKey);
    if (coordinator === undefined || stored === undefined) {
      throw new LoginRequiredError(`No token is stored for profile ${JSON.stringify(record.name)}.`);
    }
    if (!supportsGrant(api.profile, "refresh_token")) {
      context.err(`${api.profile.name} tokens cannot be refreshed (they ${stored.tokens.expiresAt === null ? "never expire" : "expire"}); nothing to do.`);
      return EXIT.ok;
    }
    const renewed = await coordinator.refresh(record.tokenKey, { signal: context.signal });
    context.err(`${context.style.green("✓")} Refreshed profile ${record.name}: the new token expires ${humanExpiry(renewed.expiresAt, Date.now())}.`);
    return EXIT.ok;
  },
};
