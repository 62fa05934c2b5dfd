import { CliError } from "./cli_error.ts";
import { EXIT } from "./exit_codes.ts";
import type { Style } from "./style.ts";

/**
 * Stands in for the browser against a sandbox that auto-approves: fetches the authorization URL,
 * follows the redirect to the CLI's own callback server and prints each hop (the code hidden).
 *
 * @example
 * ```ts
 * import { followAsBrowser } from "./sandbox_browser.ts";
 * import { createStyle } from "./style.ts";
 *
 * await followAsBrowser("http://127.0.0.1:8765/mapillary/connect?…", console.error, createStyle(false));
 * ```
 */
export async function followAsBrowser(url: string, say: (line: string) => void, s: Style): Promise<void> {
  const authorize = new URL(url);
  say(`   browser → GET ${authorize.pathname}?client_id=${authorize.searchParams.get("client_id") ?? ""}&response_type=code&scope=${authorize.searchParams.get("scope") ?? ""}&state=${short(authorize.searchParams.get("state"))}`);
  say(s.dim("             (a fetch stands in for the browser: the sandbox's consent page auto-approves)"));
  const consent = await fetch(url, { redirect: "manual" });
  const location = consent.headers.get("location");
  await consent.body?.cancel();
  if (consent.status !== 302 || location === null) throw new CliError(`The sandbox's /connect answered HTTP ${consent.status} instead of a redirect.`, EXIT.other);
  const callback = new URL(location);
  say(`   sandbox ← 302 Location: ${callback.origin}${callback.pathname}?code=${s.dim("[hidden]")}&state=${short(callback.searchParams.get("state"))}`);
  const page = await fetch(callback, { redirect: "manual" });
  const html = await page.text();
  const title = /<h1>([^<]*)<\/h1>/.exec(html)?.[1]?.replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c))) ?? "";
  say(`   browser → GET ${callback.pathname} → ${page.status} "${title}" — "You can close this tab"`);
}

function short(value: string | null): string {
  return value === null ? "" : `${value.slice(0, 8)}…`;
}
