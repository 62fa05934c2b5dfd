/**
 * The two recurring endings of error messages, shared so every message says the fix the same way.
 *
 * @module
 */

/** `what; start a new login`: for anything wrong with a login in progress. */
export function newLogin(what: string): string {
  return `${what}; start a new login`;
}

/** `what; log in again`: for a token that cannot be used or renewed. */
export function logInAgain(what: string): string {
  return `${what}; log in again`;
}
