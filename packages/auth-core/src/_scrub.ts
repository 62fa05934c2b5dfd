import { REDACTED, type Secret } from "./secret.ts";

/** Replaces every occurrence of a secret's value in server-provided text, and bounds its length. */
export function scrub(text: string, secrets: readonly Secret[], maxLength = 500): string {
  let result = text;
  // One alternation of every form of every secret, longest first, so a longer form is replaced
  // whole before a shorter one inside it.
  const forms = [...new Set(secrets.flatMap((secret) => echoForms(secret.reveal())))].filter((form) => form.length >= 4).sort((a, b) => b.length - a.length);
  if (forms.length > 0) result = result.replace(new RegExp(forms.map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi"), REDACTED);
  // Strip control and line-separator characters so server text cannot forge log lines.
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  result = result.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ");
  return result.length > maxLength ? `${result.slice(0, maxLength)}…` : result;
}

/**
 * The forms in which a server may echo a value it was sent: raw; percent-encoded once or twice (either case);
 * form-encoded as `URLSearchParams` writes it and with `+` for spaces; base64 and base64url,
 * padded or not.
 */
export function echoForms(value: string): string[] {
  const encoded = encodeURIComponent(value);
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  const base64 = toBase64(value);
  const base64url = base64.replace(/\+/g, "-").replace(/\//g, "_");
  const forms = new Set<string>();
  for (const once of [value, encoded, encoded.replace(/%20/g, "+"), form, base64, base64url, base64.replace(/=+$/, ""), base64url.replace(/=+$/, "")]) {
    forms.add(once);
    forms.add(encodeURIComponent(once));
    forms.add(encodeURIComponent(encodeURIComponent(once)));
  }
  return [...forms];
}

/** Standard, padded base64 of the UTF-8 bytes of `value`. */
function toBase64(value: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
