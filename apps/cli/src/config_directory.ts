import { defaultTokenDirectory } from "@mly/storage/file";

/**
 * The default configuration directory of `mly`: `$XDG_CONFIG_HOME/mly`, `%APPDATA%\mly` or
 * `~/.config/mly` (the storage package's default token directory). Tokens go to `tokens/` in it.
 *
 * @example
 * ```ts
 * import { defaultConfigDirectory } from "./config_directory.ts";
 *
 * defaultConfigDirectory({ XDG_CONFIG_HOME: "/home/me/.config" }); // "/home/me/.config/mly"
 * ```
 */
export function defaultConfigDirectory(env: Readonly<Record<string, string | undefined>>): string {
  return defaultTokenDirectory(env);
}
