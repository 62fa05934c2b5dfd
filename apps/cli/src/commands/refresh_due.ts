import { renewDue } from "@mly/auth-core/orchestration";
import type { Context } from "../context.ts";
import { describeError } from "../describe_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { humanExpiry } from "../human_time.ts";
import { profileApi, requireProfile } from "../session.ts";

/**
 * `mly refresh --if-needed [--all]`: renews each selected profile's token only when it is inside
 * its refresh margin (`renewDue`). Cron-safe: prints nothing when nothing was due; exit 2 when a
 * profile needs a new login (after trying every other profile).
 */
export async function refreshDue(context: Context, all: boolean): Promise<ExitCode> {
  const records = all ? await context.profiles.all() : [await requireProfile(context)];
  let exitCode: ExitCode = EXIT.ok;
  for (const record of records) {
    const api = profileApi(context, record);
    if (api.coordinator === undefined) continue;
    const report = await renewDue(context.store, api.coordinator, { prefix: record.tokenKey, signal: context.signal });
    for (const line of report.filter((entry) => entry.key === record.tokenKey)) {
      if (line.outcome === "renewed") {
        context.err(`${context.style.green("✓")} Renewed profile ${record.name}: the new token expires ${humanExpiry(line.expiresAt, Date.now())}.`);
      } else if (line.outcome === "login_required") {
        context.err(`Profile ${record.name}: the token can no longer be renewed. Run \`mly login${record.name === "default" ? "" : ` --profile ${record.name}`}\`.`);
        exitCode = EXIT.loginRequired;
      } else if (line.outcome === "failed") {
        const described = describeError(line.error, record.name);
        context.err(`Profile ${record.name}: renewal failed, retried on the next run: ${described.message}`);
        if (exitCode === EXIT.ok) exitCode = described.exitCode;
      }
    }
  }
  return exitCode;
}
