/**
 * Where to go after login: only a same-origin relative path, so the login can never be used as
 * an open redirect.
 *
 * @module
 */

/**
 * Returns `value` when it is a safe same-origin path (`/images?x=1`), `fallback` otherwise.
 * Rejected: absolute URLs, scheme-relative `//host`, backslashes (browsers read `/\host` as
 * `//host`), control characters and anything that resolves to another origin.
 *
 * @example
 * ```ts
 * import { safeReturnTo } from "@mly/web";
 *
 * safeReturnTo("/images?page=2"); // "/images?page=2"
 * safeReturnTo("//evil.example/"); // "/"
 * safeReturnTo("https://evil.example/"); // "/"
 * ```
 */
export function safeReturnTo(value: string | undefined | null, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith("/") || value.startsWith("//")) return fallback;
  // Backslashes and control characters (tab, newline…) are normalized away or into slashes by browsers.
  if (value.includes("\\") || hasControl(value)) return fallback;
  const base = "http://same-origin.invalid";
  let resolved: URL;
  try {
    resolved = new URL(value, base);
  } catch {
    return fallback;
  }
  if (resolved.origin !== base) return fallback;
  // Check the RESULT too: dot segments resolve `/.//evil.example` into `//evil.example`.
  const result = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  if (!result.startsWith("/") || result.startsWith("//") || result.includes("\\")) return fallback;
  return result;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
