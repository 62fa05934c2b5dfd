import { REDACTED, type Secret } from "./secret.ts";

/** Replaces every occurrence of a secret's value in server-provided text, and bounds its length. */
export function _scrub(text: string, secrets: readonly Secret[], maxLength = 500): string {
  let result = text;
  for (const secret of secrets) {
    const value = secret.reveal();
    // The raw value and the forms a server may echo: percent-encoded (either case), form-encoded
    // as `URLSearchParams` writes it, and with `+` for spaces.
    const encoded = encodeURIComponent(value);
    const forms = new Set([value, encoded, encoded.replace(/%20/g, "+"), new URLSearchParams({ v: value }).toString().slice(2)]);
    for (const form of forms) {
      if (form.length >= 4) result = result.replace(new RegExp(form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), REDACTED);
    }
  }
  // Strip control and line-separator characters so server text cannot forge log lines.
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  result = result.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ");
  return result.length > maxLength ? `${result.slice(0, maxLength)}…` : result;
}
