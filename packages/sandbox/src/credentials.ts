import { randomUUID } from "node:crypto";
import { randomDigits, randomHex, randomToken } from "./random.ts";

/** The demo apps registered in the sandbox, one per emulated API. */
export interface SandboxCredentials {
  mapillary: { clientId: string; clientSecret: string; clientToken: string };
  mapillaryV2: { clientId: string; clientSecret: string };
  mapiq: { clientId: string; clientSecret: string };
}

/** Pin some or all demo credentials (e.g. to keep them stable across CLI runs). */
export interface SandboxCredentialsInit {
  mapillary?: Partial<SandboxCredentials["mapillary"]>;
  mapillaryV2?: Partial<SandboxCredentials["mapillaryV2"]>;
  mapiq?: Partial<SandboxCredentials["mapiq"]>;
}

/** Fresh random credentials shaped like the real ones, overlaid with `init`. */
export function createCredentials(init: SandboxCredentialsInit = {}): SandboxCredentials {
  const mlyId = init.mapillary?.clientId ?? randomDigits(7);
  return {
    mapillary: {
      clientId: mlyId,
      clientSecret: init.mapillary?.clientSecret ?? `MLY|${mlyId}|${randomHex(16)}`,
      clientToken: init.mapillary?.clientToken ?? `MLY|${mlyId}|${randomHex(16)}`,
    },
    mapillaryV2: {
      clientId: init.mapillaryV2?.clientId ?? randomToken(30),
      clientSecret: init.mapillaryV2?.clientSecret ?? randomHex(16),
    },
    mapiq: {
      clientId: init.mapiq?.clientId ?? randomUUID(),
      clientSecret: init.mapiq?.clientSecret ?? randomToken(30),
    },
  };
}
