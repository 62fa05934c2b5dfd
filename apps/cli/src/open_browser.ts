import { spawn } from "node:child_process";

/**
 * Opens `url` in the system browser (`open` on macOS, `start` on Windows, `xdg-open` elsewhere).
 * Resolves `false` when no opener could be started (no display, command missing); never throws.
 *
 * @example
 * ```ts
 * import { openBrowser } from "./open_browser.ts";
 *
 * if (!(await openBrowser("https://www.mapillary.com/connect?…"))) console.error("Open the URL yourself.");
 * ```
 */
export function openBrowser(url: string, platform: string = process.platform, env: Readonly<Record<string, string | undefined>> = process.env): Promise<boolean> {
  if (platform === "linux" && env["DISPLAY"] === undefined && env["WAYLAND_DISPLAY"] === undefined) return Promise.resolve(false);
  const [command, args] =
    platform === "darwin" ? ["open", [url]] : platform === "win32" ? ["cmd", ["/c", "start", "", url.replace(/&/g, "^&")]] : ["xdg-open", [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: "ignore", detached: true });
      child.once("error", () => {
        resolve(false);
      });
      child.once("spawn", () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
