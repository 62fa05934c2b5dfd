import type { IncomingMessage } from "node:http";

/** Which emulated service a request was addressed to. */
export type ApiName = "mapillary" | "mapillary-v2" | "mapiq" | "none";

/** Which kind of credential a request presented. `unknown` = a token the sandbox never issued. */
export type CredentialKind = "none" | "client-token" | "user-token" | "app-token" | "client-secret" | "unknown";

/** Where the credential travelled. */
export type CredentialLocation = "header" | "url" | "body";

/** What a handler learned about the caller, for the request log. Never raw secrets. */
export interface RequestAudit {
  credential: CredentialKind;
  credentialLocation: CredentialLocation | null;
  credentialFingerprint: string | null;
  clientId: string | null;
  grantType: string | null;
}

/** A complete response, produced by a handler and written by the server. */
export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** One request as the handlers see it. */
export interface RequestContext {
  readonly method: string;
  readonly url: URL;
  readonly route: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage["headers"];
  /** The raw request body (read once, before the handler runs). */
  readonly rawBody: string;
  /** The public base URL of the sandbox, e.g. `http://127.0.0.1:41234`. */
  readonly baseUrl: string;
  readonly audit: RequestAudit;
}

/** A route handler. */
export type Handler = (ctx: RequestContext) => SandboxResponse | Promise<SandboxResponse>;

/** One route of the sandbox: `template` is a path with `{param}` segments. */
export interface Route {
  method: string;
  template: string;
  api: ApiName;
  handler: Handler;
}
