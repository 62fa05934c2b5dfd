// Test helpers: a sandbox plus the web app pointed at it, and a tiny cookie-keeping HTTP client.
import { randomUUID } from "node:crypto";
import { mapillaryProfile } from "@mly/auth-core";
import { redisTestPrefix } from "@mly/redis-test";
import { DATASET_BBOX, startSandbox, type Sandbox } from "@mly/sandbox";
import { startWebServer, type WebServer, type WebServerOptions } from "./server.ts";

export const REDIS_URL = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
/** The Redis keys of the test file importing this module; all are deleted after that file. */
const FILE_PREFIX = redisTestPrefix("web", REDIS_URL);

export interface World {
  sandbox: Sandbox;
  web: WebServer;
  prefix: string;
  close(): Promise<void>;
}

export async function startWorld(options: { autoApprove: boolean; redis?: boolean } & Partial<WebServerOptions>): Promise<World> {
  const { autoApprove, redis = true, ...rest } = options;
  const sandbox = await startSandbox({ autoApprove });
  const prefix = `${FILE_PREFIX}:${randomUUID()}`;
  const web = await startWebServer({
    profile: mapillaryProfile(sandbox.endpoints.mapillary),
    client: sandbox.credentials.mapillary,
    bbox: [DATASET_BBOX[0], DATASET_BBOX[1], DATASET_BBOX[2], DATASET_BBOX[3]],
    imageLimit: 25,
    imageLink: undefined,
    redisUrl: redis ? REDIS_URL : undefined,
    redisPrefix: prefix,
    ...rest,
  });
  return {
    sandbox,
    web,
    prefix,
    close: async () => {
      await web.close();
      await sandbox.close();
    },
  };
}

/** A fetch that keeps cookies (name=value only) and never follows redirects. */
export class CookieClient {
  readonly cookies = new Map<string, string>();
  readonly setCookieHeaders: string[] = [];

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const origin = new URL(url).origin;
    if (this.cookies.size > 0 && this.#sameOriginAsJar(origin)) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      this.setCookieHeaders.push(line);
      const pair = line.split(";")[0] ?? "";
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  jarOrigin: string | undefined;
  #sameOriginAsJar(origin: string): boolean {
    return this.jarOrigin === undefined || this.jarOrigin === origin;
  }
}

/** Follows redirects by hand (cookies only to the web app), returns the final response and every URL visited. */
export async function follow(client: CookieClient, start: string, init: RequestInit = {}): Promise<{ response: Response; visited: string[]; responses: Response[] }> {
  const visited = [start];
  const responses: Response[] = [];
  let response = await client.fetch(start, init);
  responses.push(response);
  for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
    const next = new URL(response.headers.get("location") ?? "", visited.at(-1)).toString();
    await response.body?.cancel();
    visited.push(next);
    response = await client.fetch(next);
    responses.push(response);
  }
  return { response, visited, responses };
}
