import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { StorageError } from "@mly/auth-core";
import { isProviderId, type OAuth2Server, type ProviderId } from "./providers.ts";

/** What `mly login` remembers about a named profile (no secrets: the token lives in the token store). */
export interface ProfileRecord {
  /** The profile name (`default`, `alice`, …). */
  readonly name: string;
  /** The provider logged in to. */
  readonly provider: ProviderId;
  /** The app's client id. */
  readonly clientId: string;
  /** The key of the token in the token store. */
  readonly tokenKey: string;
  /** The scopes requested. */
  readonly scopes: readonly string[];
  /** The sandbox base URL when the profile was created against a sandbox; `null` for the real services. */
  readonly sandboxUrl: string | null;
  /** When the login happened (ms since the epoch). */
  readonly loggedInAt: number;
  /** The user behind the token, learnt once at login or import (`mly status` shows it without a request). */
  readonly user?: ProfileUser | undefined;
  /** For `oauth2` profiles: the server found by discovery at login. */
  readonly server?: OAuth2Server | undefined;
}

/** The user behind a profile's token, as the provider's "me" call named it. */
export interface ProfileUser {
  /** The user id (Mapillary v4 `id`, v2 `key`). */
  readonly id: string;
  /** The user name, when the provider gave one. */
  readonly username?: string | undefined;
}

/**
 * The profiles file (`<config dir>/profiles.json`, mode 0600): profile name → provider, client
 * id, token key and server, so later commands reach the same server with the same key.
 *
 * @example
 * ```ts
 * import { ProfileBook } from "./profile_book.ts";
 *
 * const book = new ProfileBook("/tmp/mly-config");
 * const profile = await book.get("default");
 * ```
 */
export class ProfileBook {
  /** The JSON file holding the records. */
  readonly path: string;
  readonly #directory: string;

  /** Creates a book in `directory`; nothing is read until the first call. */
  constructor(directory: string) {
    this.#directory = directory;
    this.path = join(directory, "profiles.json");
  }

  /** All records, by name. */
  async all(): Promise<ProfileRecord[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return [];
      throw new StorageError(`Cannot read ${this.path}. Check its permissions.`, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new StorageError(`${this.path} is not valid JSON. Delete it and log in again.`, { cause: error });
    }
    const profiles = (parsed as { profiles?: unknown } | null)?.profiles;
    if (typeof profiles !== "object" || profiles === null) return [];
    return Object.values(profiles).filter(isRecord).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One record, or `undefined`. */
  async get(name: string): Promise<ProfileRecord | undefined> {
    return (await this.all()).find((record) => record.name === name);
  }

  /** Adds or replaces a record (atomic write). */
  async put(record: ProfileRecord): Promise<void> {
    const records = (await this.all()).filter((r) => r.name !== record.name);
    records.push(record);
    await this.#write(records);
  }

  /** Removes a record; returns whether there was one. */
  async remove(name: string): Promise<boolean> {
    const records = await this.all();
    const rest = records.filter((r) => r.name !== name);
    if (rest.length === records.length) return false;
    await this.#write(rest);
    return true;
  }

  async #write(records: readonly ProfileRecord[]): Promise<void> {
    await mkdir(this.#directory, { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    const document = { v: 1, profiles: Object.fromEntries(records.map((r) => [r.name, r])) };
    await writeFile(temp, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, this.path);
  }
}

function isRecord(value: unknown): value is ProfileRecord {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r["name"] === "string" &&
    typeof r["provider"] === "string" &&
    isProviderId(r["provider"]) &&
    typeof r["clientId"] === "string" &&
    typeof r["tokenKey"] === "string" &&
    Array.isArray(r["scopes"]) &&
    (r["sandboxUrl"] === null || typeof r["sandboxUrl"] === "string") &&
    typeof r["loggedInAt"] === "number" &&
    (r["user"] === undefined || (typeof r["user"] === "object" && r["user"] !== null && typeof (r["user"] as Record<string, unknown>)["id"] === "string")) &&
    (r["provider"] !== "oauth2" || isServer(r["server"]))
  );
}

function isServer(value: unknown): value is OAuth2Server {
  if (typeof value !== "object" || value === null) return false;
  const server = value as Record<string, unknown>;
  return (
    typeof server["issuer"] === "string" &&
    typeof server["tokenEndpoint"] === "string" &&
    ["client_secret_basic", "client_secret_post", "none"].includes(String(server["tokenEndpointAuth"])) &&
    typeof server["pkce"] === "boolean" &&
    typeof server["requireIssuerInCallback"] === "boolean"
  );
}
