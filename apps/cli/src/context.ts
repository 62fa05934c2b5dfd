import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TokenStore } from "@mly/auth-core";
import { startSandbox, type Sandbox, type SandboxSettingsInit } from "@mly/sandbox";
import { CliError } from "./cli_error.ts";
import { resolveCredentials, type AppCredentials } from "./credentials.ts";
import { EXIT } from "./exit_codes.ts";
import type { GlobalValues } from "./options.ts";
import { ProfileBook } from "./profile_book.ts";
import type { ProviderId } from "./providers.ts";
import { openTokenStore } from "./token_store.ts";
import { colorEnabled, createStyle, type Style } from "./style.ts";
import { defaultConfigDirectory } from "./config_directory.ts";

/** Where the commands send their requests. */
export type ServerTarget =
  | { readonly kind: "production" }
  | { readonly kind: "sandbox"; readonly url: string; readonly embedded: Sandbox | undefined };

/** Everything a command needs: the store, the profiles, the server, credentials and the terminal. */
export interface Context {
  /** The configuration directory (`--config-dir`, `$MLY_CONFIG_DIR`, or `~/.config/mly`). */
  readonly configDir: string;
  /** The token store (`FileTokenStore` in `<config dir>/tokens`). */
  readonly store: TokenStore;
  /** Named profiles. */
  readonly profiles: ProfileBook;
  /** The server from `--sandbox`, `--sandbox-url` / `MLY_SANDBOX_URL`, or the real services. */
  readonly server: ServerTarget;
  /** The environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The global option values. */
  readonly globals: GlobalValues;
  /** Colours for stderr. */
  readonly style: Style;
  /** Colours for stdout. */
  readonly outStyle: Style;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /** The app credentials of `provider`: the embedded sandbox's, else flags, else environment. */
  credentials(provider: ProviderId): AppCredentials;
  /** The sandbox URL to use for a profile created against `recorded` (the live target wins). */
  sandboxUrlFor(recorded: string | null | undefined): string | undefined;
  /** Writes a line to stdout. */
  out(line: string): void;
  /** Writes a line to stderr. */
  err(line: string): void;
  /** Stops the embedded sandbox and removes a temporary config directory. */
  close(): Promise<void>;
}

/** Options of {@link createContext}. */
export interface CreateContextOptions {
  /** The global options. */
  globals: GlobalValues;
  /** The environment (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** Settings of the embedded sandbox (`--sandbox`). */
  sandboxSettings?: SandboxSettingsInit;
  /** Logs of the embedded sandbox. */
  sandboxLogger?: (line: string) => void;
}

/**
 * Opens the store and the server for one command. With `--sandbox` an embedded sandbox runs for
 * this invocation only (auto-approve on); unless `--config-dir` is given, its tokens go to a
 * temporary directory removed at the end, so a real profile is never touched.
 *
 * @example
 * ```ts
 * import { createContext } from "./context.ts";
 *
 * const context = await createContext({ globals: { sandbox: true }, signal: new AbortController().signal });
 * await context.close();
 * ```
 */
export async function createContext(options: CreateContextOptions): Promise<Context> {
  const env = options.env ?? process.env;
  const globals = options.globals;
  let embedded: Sandbox | undefined;
  let server: ServerTarget = { kind: "production" };
  const sandboxUrl = globals["sandbox-url"] ?? nonEmpty(env["MLY_SANDBOX_URL"]);
  if (globals.sandbox === true) {
    embedded = await startSandbox({
      autoApprove: true,
      ...(options.sandboxSettings === undefined ? {} : { settings: options.sandboxSettings }),
      ...(options.sandboxLogger === undefined ? {} : { logger: options.sandboxLogger }),
    });
    server = { kind: "sandbox", url: embedded.url, embedded };
  } else if (sandboxUrl !== undefined) {
    if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(sandboxUrl)) {
      throw new CliError(`--sandbox-url must be a loopback base URL like http://127.0.0.1:8765 (got ${JSON.stringify(sandboxUrl)}).`, EXIT.usage);
    }
    server = { kind: "sandbox", url: sandboxUrl.replace(/\/+$/, ""), embedded: undefined };
  }
  let temporary: string | undefined;
  let configDir = globals["config-dir"] ?? nonEmpty(env["MLY_CONFIG_DIR"]);
  if (configDir === undefined) {
    if (embedded !== undefined) {
      temporary = await mkdtemp(join(tmpdir(), "mly-sandbox-"));
      configDir = temporary;
    } else {
      configDir = defaultConfigDirectory(env);
    }
  }
  const store = openTokenStore(join(configDir, "tokens"));
  const noColor = globals["no-color"] === true;
  let warnedSecretFlag = false;
  const style = createStyle(colorEnabled(process.stderr, env, noColor));
  const outStyle = createStyle(colorEnabled(process.stdout, env, noColor));
  const dir = configDir;
  return {
    configDir: dir,
    store,
    profiles: new ProfileBook(dir),
    server,
    env,
    globals,
    style,
    outStyle,
    signal: options.signal,
    credentials(provider: ProviderId): AppCredentials {
      if (embedded !== undefined && provider !== "oauth2") {
        const c = embedded.credentials;
        if (provider === "mapillary") return { clientId: c.mapillary.clientId, clientSecret: c.mapillary.clientSecret, clientToken: c.mapillary.clientToken };
        if (provider === "mapillary-v2") return { clientId: c.mapillaryV2.clientId, clientSecret: c.mapillaryV2.clientSecret, clientToken: undefined };
        return { clientId: c.mapiq.clientId, clientSecret: c.mapiq.clientSecret, clientToken: undefined };
      }
      if (globals["client-secret"] !== undefined && !warnedSecretFlag) {
        warnedSecretFlag = true;
        process.stderr.write("mly: warning: --client-secret is visible to other users (ps) and in shell history; prefer the environment variable.\n");
      }
      return resolveCredentials(provider, globals, env);
    },
    sandboxUrlFor(recorded: string | null | undefined): string | undefined {
      if (server.kind === "sandbox") return server.url;
      return recorded ?? undefined;
    },
    out(line: string): void {
      process.stdout.write(`${line}\n`);
    },
    err(line: string): void {
      process.stderr.write(`${line}\n`);
    },
    async close(): Promise<void> {
      await embedded?.close();
      if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
