import type { IncomingMessage } from "node:http";
import type { CredentialLocation } from "./http_types.ts";

/** A token as a request presented it. */
export interface PresentedToken {
  value: string;
  /** The Authorization scheme as sent (`OAuth`, `Bearer`…), `null` for the URL. */
  scheme: string | null;
  location: CredentialLocation;
}

/** The token in `Authorization: <scheme> <token>`, else in `?access_token=`, else `null`. */
export function presentedToken(headers: IncomingMessage["headers"], url: URL): PresentedToken | null {
  const auth = headers.authorization;
  if (auth !== undefined) {
    const match = /^(\S+)\s+(\S.*)$/.exec(auth.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) return { value: match[2].trim(), scheme: match[1], location: "header" };
  }
  const query = url.searchParams.get("access_token");
  if (query !== null && query !== "") return { value: query, scheme: null, location: "url" };
  return null;
}
