import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * The default directory of the file store: `$XDG_CONFIG_HOME/mly` when that variable holds an
 * absolute path, `%APPDATA%\mly` on Windows, otherwise `~/.config/mly`.
 *
 * @example
 * ```ts
 * import { defaultTokenDirectory } from "@mly/storage/file";
 *
 * defaultTokenDirectory({ XDG_CONFIG_HOME: "/home/me/.config" }); // "/home/me/.config/mly"
 * ```
 */
export function defaultTokenDirectory(env: Readonly<Record<string, string | undefined>> = process.env, platform: string = process.platform): string {
  const xdg = env["XDG_CONFIG_HOME"];
  if (xdg !== undefined && xdg !== "" && isAbsolute(xdg)) return join(xdg, "mly");
  const appData = env["APPDATA"];
  if (platform === "win32" && appData !== undefined && appData !== "") return join(appData, "mly");
  return join(env["HOME"] ?? homedir(), ".config", "mly");
}
