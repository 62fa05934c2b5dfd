/** Whether env `CI` is set (not empty, not "false"): there, Redis tests must never be skipped. */
export function ciIsSet(): boolean {
  const ci = process.env["CI"];
  return ci !== undefined && ci !== "" && ci !== "false";
}

/**
 * Prints a loud notice that Redis tests are skipped, and throws instead when {@link ciIsSet}:
 * CI must not pass by skipping them.
 *
 * @example
 * ```ts
 * import { redisServerBinary, skipLoudly } from "@mly/redis-test";
 * if (redisServerBinary() === undefined) skipLoudly("REDIS RESTART TEST SKIPPED: redis-server is not installed");
 * ```
 */
export function skipLoudly(reason: string): void {
  console.error(`\n${"!".repeat(78)}\n!!! ${reason}\n${"!".repeat(78)}\n`);
  if (ciIsSet()) throw new Error(`CI is set: refusing to skip (${reason}).`);
}
