import { spawnSync } from "node:child_process";

/** Debian's interpreter, the one `apt-get install python3-authlib python3-flask` serves. */
export const DEBIAN_PYTHON = "/usr/bin/python3";

/** Whether `python` can import Authlib and Flask (installed with `apt-get install -y python3-authlib python3-flask`). */
export function authlibInstalled(python: string = DEBIAN_PYTHON): boolean {
  const probe = spawnSync(python, ["-c", "import authlib.integrations.flask_oauth2, flask"], { stdio: "ignore", timeout: 30_000 });
  return probe.status === 0;
}

/** Whether env `CI` is set (not empty, not "false"): there, the Authlib tests must never be skipped. */
export function ciIsSet(): boolean {
  const ci = process.env["CI"];
  return ci !== undefined && ci !== "" && ci !== "false";
}

/**
 * `true` when Authlib can run; otherwise prints a loud notice and returns `false` (tests skip),
 * or throws when {@link ciIsSet}: CI must not pass by skipping the Authlib tests.
 */
export function authlibOrSkip(python: string = DEBIAN_PYTHON): boolean {
  if (authlibInstalled(python)) return true;
  const reason =
    `AUTHLIB TESTS SKIPPED: ${python} cannot import authlib and flask.\n` +
    "!!! Install them: apt-get update && apt-get install -y python3-authlib python3-flask";
  console.error(`\n${"!".repeat(78)}\n!!! ${reason}\n${"!".repeat(78)}\n`);
  if (ciIsSet()) throw new Error(`CI is set: refusing to skip (${reason}).`);
  return false;
}
