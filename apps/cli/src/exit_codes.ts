/**
 * The exit codes of `mly`, stable so scripts can branch on them.
 *
 * @module
 */

/** The exit codes of `mly`, by meaning. */
export interface ExitCodes {
  readonly ok: 0;
  readonly usage: 1;
  readonly loginRequired: 2;
  readonly rateLimited: 3;
  readonly network: 4;
  readonly other: 5;
  readonly credentials: 6;
  readonly interrupted: 130;
}

/** Exit codes of `mly`. */
export const EXIT: ExitCodes = Object.freeze({
  /** Success. */
  ok: 0,
  /** Bad command line: unknown command or option, missing or malformed argument. */
  usage: 1,
  /** No usable token for the profile: run `mly login`. */
  loginRequired: 2,
  /** The provider (or the client-side limiter) said to slow down and the wait was too long. */
  rateLimited: 3,
  /** The server could not be reached (connection refused, DNS, timeout). */
  network: 4,
  /** Any other failure (unexpected response, server error, storage error). */
  other: 5,
  /** Missing or refused app credentials (client id, secret or client token). */
  credentials: 6,
  /** Interrupted with Ctrl-C (SIGINT); what was written so far is kept. */
  interrupted: 130,
});

/** One of the {@link EXIT} values. */
export type ExitCode = ExitCodes[keyof ExitCodes];
