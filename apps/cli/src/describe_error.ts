import { GraphApiError, isMlyError, LoginRequiredError, MapiqApiError, OAuthError, RateLimitedError } from "@mly/auth-core";
import { HTTPError, TimeoutError } from "ky";
import { CliError } from "./cli_error.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";

/** What the CLI prints for an error and the code it exits with. */
export interface ErrorReport {
  /** One or more lines for humans: what went wrong and how to fix it. Never a secret. */
  readonly message: string;
  /** The exit code (see `EXIT`). */
  readonly exitCode: ExitCode;
}

/**
 * Maps any error to a message with the fix and a stable exit code: core's `MlyError` codes,
 * ky's HTTP and timeout errors, Node's network errors, and `CliError`.
 *
 * @example
 * ```ts
 * import { LoginRequiredError } from "@mly/auth-core";
 * import { describeError } from "./describe_error.ts";
 *
 * describeError(new LoginRequiredError("No token.")).exitCode; // 2
 * ```
 */
export function describeError(error: unknown, profileName = "default"): ErrorReport {
  const login = `Run \`mly login${profileName === "default" ? "" : ` --profile ${profileName}`}\`.`;
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof LoginRequiredError) {
    const cause = error.cause;
    if (cause instanceof GraphApiError && cause.graphCode === 190 && cause.status === 401) {
      return { message: `${error.message}\nThe token endpoint refused the app secret or the token. Check MAPILLARY_CLIENT_SECRET, then ${login.toLowerCase()}`, exitCode: EXIT.loginRequired };
    }
    return { message: `${error.message} ${login}`, exitCode: EXIT.loginRequired };
  }
  if (error instanceof OAuthError) {
    if (error.error === "invalid_client" || error.error === "unauthorized_client") {
      // The core message ends with its own generic hint ("check client id and secret"): print the
      // server's words once, then one precise fix.
      const description = error.errorDescription === undefined ? "" : ` (${error.errorDescription})`;
      return {
        message: `The token endpoint refused the app's credentials: ${error.error}${description}.\nFix: check the client id and secret (flags --client-id/--client-secret or the *_CLIENT_ID/*_CLIENT_SECRET environment variables).`,
        exitCode: EXIT.credentials,
      };
    }
    if (error.error === "invalid_grant") {
      const description = error.errorDescription === undefined ? "" : ` (${error.errorDescription})`;
      return { message: `The token endpoint refused the stored grant: invalid_grant${description}. ${login}`, exitCode: EXIT.loginRequired };
    }
    return { message: error.message, exitCode: EXIT.other };
  }
  if (error instanceof RateLimitedError) {
    return { message: `${error.message} The provider's quota is used up; wait, or lower --limit.`, exitCode: EXIT.rateLimited };
  }
  if (error instanceof GraphApiError && error.graphCode === 190) {
    return { message: `${error.message}\nFix: check MAPILLARY_CLIENT_ID / MAPILLARY_CLIENT_SECRET (or the client token), or ${login.toLowerCase()}`, exitCode: EXIT.credentials };
  }
  if (error instanceof MapiqApiError && error.status === 401) {
    return { message: `${error.message}\nFix: check MAPIQ_CLIENT_ID and MAPIQ_CLIENT_SECRET.`, exitCode: EXIT.credentials };
  }
  if (isMlyError(error)) {
    switch (error.code) {
      case "authorization_error":
      case "state_mismatch":
      case "invalid_callback":
      case "scope_not_granted":
        return { message: `Login failed: ${error.message}`, exitCode: EXIT.loginRequired };
      case "invalid_token":
        return { message: `The token was refused: ${error.message}`, exitCode: EXIT.loginRequired };
      case "invalid_config":
        return { message: error.message, exitCode: EXIT.credentials };
      case "unknown_scope":
        return { message: error.message, exitCode: EXIT.usage };
      case "transport_error":
      case "backend_unavailable":
        return { message: `${error.message}\nFix: check the network connection (for a sandbox profile: is the sandbox still running?).`, exitCode: EXIT.network };
      case "aborted":
        return { message: "Interrupted.", exitCode: EXIT.interrupted };
      default:
        return { message: error.message, exitCode: EXIT.other };
    }
  }
  if (error instanceof HTTPError) {
    return { message: `${error.request.method} ${withoutQuery(error.request.url)} answered HTTP ${error.response.status}.`, exitCode: EXIT.other };
  }
  if (error instanceof TimeoutError) {
    return { message: `${error.request.method} ${withoutQuery(error.request.url)} timed out. Check the network connection.`, exitCode: EXIT.network };
  }
  const network = networkCode(error);
  if (network !== undefined) {
    return { message: `Cannot reach the server (${network}). Check the network connection; for a sandbox profile, is the sandbox still running?`, exitCode: EXIT.network };
  }
  if (error instanceof Error && error.name === "AbortError") return { message: "Interrupted.", exitCode: EXIT.interrupted };
  return { message: error instanceof Error ? error.message : String(error), exitCode: EXIT.other };
}

function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/.test(code)) return code;
  }
  return undefined;
}

function withoutQuery(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}
