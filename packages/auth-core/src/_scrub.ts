import { REDACTED, type Secret } from "./secret.ts";

/** Replaces every occurrence of a secret's value in server-provided text, and bounds its length. */
export function _scrub(text: string, secrets: readonly Secret[], maxLength = 500): string {
  let result = text;
  for (const secret of secrets) {
    const value = secret.reveal();
    // The raw value, and the forms a server may echo: percent-encoded and form-encoded.
    const encoded = encodeURIComponent(value);
    for (const form of [value, encoded, encoded.replace(/%20/g, "+")]) {
      if (form.length >= 4) result = result.split(form).join(REDACTED);
    }
  }
  // Strip control characters so server text cannot forge log lines.
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  result = result.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return result.length > maxLength ? `${result.slice(0, maxLength)}…` : result;
}
