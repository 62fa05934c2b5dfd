import { randomToken } from "./random.ts";

/** A Graph-style `fbtrace_id` (opaque, 11 characters). */
export function fbtraceId(): string {
  return randomToken(8).slice(0, 11);
}
