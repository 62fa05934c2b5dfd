import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { AbortedError, type OAuthClient, type ProviderProfile, StateMismatchError, type TokenSet } from "@mly/auth-core";
import { finishLogin, startLogin } from "@mly/fetch";
import { callbackPage } from "./callback_page.ts";
import { CliError } from "./cli_error.ts";
import { describeError } from "./describe_error.ts";
import { EXIT } from "./exit_codes.ts";

/** Options of {@link loopbackLogin}. */
export interface LoopbackLoginOptions {
  /** The provider. */
  profile: ProviderProfile;
  /** The app. */
  client: OAuthClient;
  /** Scopes to request (default: the profile's). */
  scopes?: readonly string[] | undefined;
  /** The callback port on 127.0.0.1; it must match a callback registered with the app. 0 picks a free one. */
  port: number;
  /** The callback path (default `/callback`). */
  path?: string;
  /** Send PKCE S256 (default: the profile's setting). */
  pkce?: boolean | undefined;
  /** Called with the authorization URL once the callback server listens: open or print it. */
  onAuthorizationUrl: (url: string, redirectUri: string) => void | Promise<void>;
  /** Called when a request that is not this login's callback arrives (stale tab, forgery). */
  onIgnoredCallback?: (reason: string) => void;
  /** Gives up after this many ms (default 5 minutes). */
  timeoutMs?: number;
  /** Cancels the login. */
  signal?: AbortSignal;
}

/**
 * The authorization-code flow of a native app (RFC 8252): a one-shot callback server on
 * `http://127.0.0.1:<port>/callback`, the authorization URL handed to `onAuthorizationUrl`, the
 * callback validated by auth-core (state, single use, error) before the code is exchanged, and a
 * clear page shown in the browser either way.
 *
 * @example
 * ```ts
 * import { createClient, mapillary } from "@mly/auth-core";
 * import { loopbackLogin } from "./loopback_login.ts";
 *
 * const tokens = await loopbackLogin({
 *   profile: mapillary,
 *   client: createClient({ clientId: "1234", clientSecret: "MLY|1234|…" }),
 *   port: 8765,
 *   onAuthorizationUrl: (url) => { console.log(`Open ${url}`); },
 * });
 * ```
 */
export async function loopbackLogin(options: LoopbackLoginOptions): Promise<TokenSet> {
  const path = options.path ?? "/callback";
  const server = createServer();
  const port = await listenOn(server, options.port);
  const redirectUri = `http://127.0.0.1:${port}${path}`;
  let stopWaiting = (): void => undefined;
  try {
    const { url, pending } = await startLogin(
      { profile: options.profile, client: options.client },
      { redirectUri, ...(options.scopes === undefined ? {} : { scopes: options.scopes }), ...(options.pkce === undefined ? {} : { pkce: options.pkce }) },
    );
    const done = new Promise<TokenSet>((resolve, reject) => {
      let finished = false;
      const timer = setTimeout(() => {
        finish();
        reject(new CliError(`No callback within ${Math.round((options.timeoutMs ?? 300_000) / 1000)} s. Run \`mly login\` again and complete the login in the browser.`, EXIT.loginRequired));
      }, options.timeoutMs ?? 300_000);
      const onAbort = (): void => {
        finish();
        reject(new AbortedError("Login interrupted."));
      };
      const finish = (): void => {
        finished = true;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      stopWaiting = finish;
      if (options.signal?.aborted === true) onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      server.on("request", (request: IncomingMessage, response: ServerResponse) => {
        const target = new URL(request.url ?? "/", redirectUri);
        if (request.method !== "GET" || target.pathname !== path) {
          send(response, 404, callbackPage({ ok: false, title: "Not found", detail: "This local server only receives the login callback." }));
          return;
        }
        if (finished) {
          send(response, 409, callbackPage({ ok: false, title: "Login already handled", detail: "This login is over. Start a new one in the terminal." }));
          return;
        }
        finishLogin({ profile: options.profile, client: options.client }, pending, target.href).then(
          (tokens) => {
            finish();
            send(response, 200, callbackPage({ ok: true, title: `Logged in to ${options.profile.name}`, detail: "mly saved the token." }));
            resolve(tokens);
          },
          (error: unknown) => {
            if (error instanceof StateMismatchError && !finished) {
              // A stale tab or a forged request: refuse it but keep waiting for the real callback.
              send(response, 400, callbackPage({ ok: false, title: "Not this login", detail: error.message }));
              options.onIgnoredCallback?.(error.message);
              return;
            }
            finish();
            const denied = (error as { code?: unknown }).code === "authorization_error";
            send(
              response,
              denied ? 403 : 400,
              callbackPage({ ok: false, title: denied ? "Login cancelled" : "Login failed", detail: describeError(error).message }),
            );
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    });
    // If showing the URL fails, `done` is never awaited: mark its rejection handled.
    done.catch(() => undefined);
    await options.onAuthorizationUrl(url, redirectUri);
    return await done;
  } finally {
    // Whatever happened, the login timer must not outlive this call (it would keep the process alive).
    stopWaiting();
    await closeServer(server);
  }
}

function send(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
    connection: "close",
  });
  response.end(html);
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new CliError(
              `Port ${port} on 127.0.0.1 is in use, so the login callback cannot listen there. Free it, or pass --port N matching another callback registered with the app (--port 0 picks a free port where any loopback port is allowed, e.g. the sandbox).`,
              EXIT.other,
            )
          : error,
      );
    });
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    // Let the last page reach the browser before dropping the connection.
    setTimeout(() => {
      server.closeAllConnections();
    }, 200).unref();
  });
}
