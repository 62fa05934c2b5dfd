import { isUsable, needsRefresh, parseTokenKey } from "@mly/auth-core";
import type { Command } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { humanExpiry, relativeTime } from "../human_time.ts";

/** `mly status`: profiles, providers, scopes and expiry — never a token value. */
export const statusCommand: Command = {
  name: "status",
  summary: "Show the saved profiles, scopes and expiry (never a token)",
  options: { json: { type: "boolean" } },
  help: `Usage: mly status [--profile NAME] [--json]

Lists the saved profiles (or one with --profile): provider, client id, the user (learnt at login,
no request here), scopes, when the token expires, and the server for sandbox profiles; also
cached app tokens (Mapiq). Never prints a token value.

Options:
  -p, --profile NAME  only this profile
  --json              machine-readable output

Exit code: 0 when at least one listed profile has a usable token, 2 otherwise.`,
  async run(context, { values }) {
    const now = Date.now();
    const only = context.globals.profile;
    const records = (await context.profiles.all()).filter((r) => only === undefined || r.name === only);
    const rows = [];
    for (const record of records) {
      const stored = await context.store.get(record.tokenKey);
      const tokens = stored?.tokens;
      rows.push({
        profile: record.name,
        provider: record.provider,
        clientId: record.clientId,
        user: record.user ?? null,
        scopes: tokens?.scopes ?? record.scopes,
        usable: tokens !== undefined && isUsable(tokens, now, 0),
        refreshDue: tokens !== undefined && needsRefresh(tokens, now),
        expiresAt: tokens === undefined ? undefined : tokens.expiresAt,
        loggedInAt: record.loggedInAt,
        sandboxUrl: record.sandboxUrl,
      });
    }
    const profileKeys = new Set(records.map((r) => r.tokenKey));
    const appTokens = [];
    if (only === undefined) {
      for (const key of await context.store.list()) {
        if (profileKeys.has(key)) continue;
        const parsed = parseTokenKey(key);
        const stored = await context.store.get(key);
        if (parsed === undefined || stored === undefined) continue;
        appTokens.push({ provider: parsed.provider, clientId: parsed.clientId, kind: stored.tokens.kind, expiresAt: stored.tokens.expiresAt, usable: isUsable(stored.tokens, now, 0) });
      }
    }
    const ok = rows.some((r) => r.usable);
    if (values["json"] === true) {
      context.out(JSON.stringify({ configDir: context.configDir, profiles: rows, appTokens }, null, 2));
      return ok ? EXIT.ok : EXIT.loginRequired;
    }
    const s = context.outStyle;
    if (rows.length === 0) {
      context.out(only === undefined ? `No profiles in ${context.configDir}. Run \`mly login\`.` : `No profile ${JSON.stringify(only)} in ${context.configDir}. Run \`mly login --profile ${only}\`.`);
    }
    for (const row of rows) {
      const state =
        row.expiresAt === undefined
          ? s.red("no token (log in again)")
          : row.usable
            ? s.green(`valid, expires ${humanExpiry(row.expiresAt, now)}`) + (row.refreshDue ? s.yellow(" (refresh due)") : "")
            : s.red(`${humanExpiry(row.expiresAt, now)} (log in again)`);
      context.out(`${s.bold(row.profile)}  ${row.provider}  client ${row.clientId}`);
      if (row.user !== null) context.out(`  user:   ${row.user.username ?? "(no user name)"} (id ${row.user.id})`);
      context.out(`  scopes: ${row.scopes.length > 0 ? row.scopes.join(" ") : "(none)"}`);
      context.out(`  token:  ${state}`);
      context.out(`  logged in ${relativeTime(row.loggedInAt, now)}${row.sandboxUrl === null ? "" : `, sandbox ${row.sandboxUrl}`}`);
    }
    for (const app of appTokens) {
      context.out(`${s.dim("app token")}  ${app.provider}  client ${app.clientId}  ${app.kind}  ${app.usable ? `expires ${humanExpiry(app.expiresAt, now)}` : "expired"}`);
    }
    context.out(s.dim(`config: ${context.configDir}`));
    return ok ? EXIT.ok : EXIT.loginRequired;
  },
};
