import { join } from "node:path";
import { createWriteStream } from "node:fs";
import { createClient, formatTokenKey, type ProviderProfile } from "@mly/auth-core";
import { createApiClient } from "@mly/fetch";
import { DATASET_BBOX, type Sandbox } from "@mly/sandbox";
import { CliError } from "../cli_error.ts";
import type { Command } from "../command.ts";
import { downloadImages } from "../download_images.ts";
import { EXIT } from "../exit_codes.ts";
import { humanExpiry } from "../human_time.ts";
import { createImageWriter } from "../image_writer.ts";
import { adaptivePoliciesFor } from "@mly/ratelimit/adaptive";
import { loopbackLogin } from "../loopback_login.ts";
import { followAsBrowser } from "../sandbox_browser.ts";
import { intOption, stringOption } from "../options.ts";
import { createProgress } from "../progress.ts";
import { providerProfile } from "../providers.ts";
import type { Style } from "../style.ts";

/** Scaled-down limits so the demo shows expiry and rate limiting in seconds, not days. */
const TOKEN_LIFETIME_S = 3;
const GRAPH_BUDGET = { limit: 8, windowMs: 1000 };
const GRAPH_CLIENT = { limit: 6, windowMs: 1000 };
const MAPIQ_LIMIT = { limit: 20, windowMs: 2000 };

/** `mly demo`: the whole SDK against the embedded sandbox, in well under a minute. */
export const demoCommand: Command = {
  name: "demo",
  summary: "Run the end-to-end demo against the embedded sandbox (no account, no browser)",
  options: { images: { type: "string" }, "mapiq-requests": { type: "string" }, out: { type: "string", short: "o" } },
  embeddedSandbox: {
    autoApprove: true,
    mapillaryTokenLifetimeSeconds: TOKEN_LIFETIME_S,
    mapillaryAppBudget: GRAPH_BUDGET,
    mapiqRateLimit: { ...MAPIQ_LIMIT, shape: "sliding-log" },
  },
  help: `Usage: mly demo [--images N] [--mapiq-requests N] [--out FILE]

Runs the SDK end to end against the embedded sandbox (an emulator of Mapillary and Mapiq on
127.0.0.1), with limits scaled down so everything happens in a few seconds:
  1. starts the sandbox (consent auto-approves; tokens live ${TOKEN_LIFETIME_S} s);
  2. logs in through the real loopback flow: mly's callback server on 127.0.0.1, the
     authorization URL "opened" by a fetch that follows the redirect like a browser would;
  3. downloads images page by page through the rate limiter with a progress bar, while the
     token is refreshed ahead of expiry;
  4. calls Mapiq with client credentials as fast as its limit (20 per 2 s per operation) allows;
  5. prints a summary read from the sandbox's request log: requests, refreshes, 429s (0).
Tokens go to a temporary file store (or --config-dir), removed at the end.

Options:
  --images N          images to download (default 600)
  --mapiq-requests N  Mapiq calls (default 60, spread over 2 operations)
  -o, --out FILE      keep the downloaded images as NDJSON in FILE`,
  async run(context, { values }) {
    const sandbox = context.server.kind === "sandbox" ? context.server.embedded : undefined;
    if (sandbox === undefined) throw new CliError("mly demo runs only against its embedded sandbox.", EXIT.usage);
    const images = intOption(values["images"], "images", 600);
    const mapiqRequests = intOption(values["mapiq-requests"], "mapiq-requests", 60);
    const out = stringOption(values["out"]) ?? join(context.configDir, "demo-images.ndjson");
    const s = context.style;
    const say = (line = ""): void => {
      context.err(line);
    };
    const step = (n: number, title: string): void => {
      say();
      say(s.bold(`${n}. ${title}`));
    };
    const started = Date.now();

    say(s.bold("mly demo — the SDK end to end against the embedded sandbox"));
    step(1, "Sandbox");
    say(`   emulating Mapillary v4/v2 and Mapiq at ${s.cyan(sandbox.url)}`);
    say(`   scaled for the demo: user tokens live ${TOKEN_LIFETIME_S} s, graph budget ${GRAPH_BUDGET.limit} req/s, Mapiq ${MAPIQ_LIMIT.limit} req per ${MAPIQ_LIMIT.windowMs / 1000} s per operation`);
    say(`   token store: FileTokenStore in ${context.configDir}/tokens`);

    // 2. Login through the real loopback flow.
    step(2, "Login (authorization code, loopback callback)");
    const scaledGraph: ProviderProfile = {
      ...providerProfile("mapillary", sandbox.url),
      rateLimits: [{ name: "graph", ...GRAPH_CLIENT, per: "app", appliesTo: "api" }],
    };
    const credentials = sandbox.credentials.mapillary;
    const client = createClient({ clientId: credentials.clientId, clientSecret: credentials.clientSecret });
    const tokens = await loopbackLogin({
      profile: scaledGraph,
      client,
      port: 0,
      signal: context.signal,
      onAuthorizationUrl: (url, redirectUri) => {
        say(`   callback server listening on ${s.cyan(redirectUri)}`);
        return followAsBrowser(url, say, s);
      },
    });
    const tokenKey = formatTokenKey({ provider: "mapillary", clientId: credentials.clientId, profile: "demo" });
    await context.store.set(tokenKey, tokens);
    say(`   ${s.green("✓")} token saved under ${tokenKey} (scopes ${tokens.scopes.join(" ")}, expires ${humanExpiry(tokens.expiresAt, Date.now())}, value never printed)`);

    // 3. Images, paged and rate-limited, with refreshes ahead of expiry.
    step(3, `Images: ${images} in the sandbox's Madison, WI box, 25 per page, ${GRAPH_CLIENT.limit} req/s client limit`);
    const api = createApiClient({
      profile: scaledGraph,
      client,
      store: context.store,
      tokenKey,
      limiter: adaptivePoliciesFor(scaledGraph),
      retryOnRateLimit: { maxWaitMs: 10_000 },
      // Refresh once 40 % of the lifetime is left (the v4 refresh needs the still-valid token).
      refreshPolicy: { fraction: 0.4, minMarginMs: 0, clockSkewMs: 0 },
    });
    const file = createWriteStream(out, { mode: 0o644 });
    const progress = createProgress({ stream: process.stderr, total: images, unit: "images", style: s });
    const download = await downloadImages({
      api,
      bbox: DATASET_BBOX,
      fields: ["id", "captured_at", "compass_angle", "geometry", "sequence"],
      pageSize: 25,
      limit: images,
      writer: createImageWriter((chunk) => file.write(chunk), "ndjson"),
      progress,
      signal: context.signal,
      onRefresh: (n) => {
        progress.note(`   ${s.yellow("↻")} token refreshed ahead of expiry (#${n}): POST /token grant_type=refresh_token, new token saved atomically`);
      },
    });
    await new Promise<void>((resolve) => file.end(resolve));
    if (download.interrupted) {
      progress.done(s.yellow(`   interrupted after ${download.count} images`));
      return EXIT.interrupted;
    }
    progress.done(`   ${s.green("✓")} ${download.count} images in ${download.pages} pages → ${out}${values["out"] === undefined ? " (temporary)" : ""}`);

    // 4. Mapiq with client credentials, as fast as its limit allows.
    step(4, `Mapiq: client credentials, ${mapiqRequests} GETs on 2 operations under ${MAPIQ_LIMIT.limit} per ${MAPIQ_LIMIT.windowMs / 1000} s each`);
    const mapiq: ProviderProfile = {
      ...providerProfile("mapiq", sandbox.url),
      rateLimits: [{ name: "endpoint", ...MAPIQ_LIMIT, per: "endpoint", appliesTo: "api" }],
    };
    const mapiqApi = createApiClient({
      profile: mapiq,
      client: { clientId: sandbox.credentials.mapiq.clientId, clientSecret: sandbox.credentials.mapiq.clientSecret },
      store: context.store,
      tokenKey: formatTokenKey({ provider: "mapiq", clientId: sandbox.credentials.mapiq.clientId, profile: "demo" }),
      limiter: adaptivePoliciesFor(mapiq),
      retryOnRateLimit: { maxWaitMs: 10_000 },
    });
    const list = await mapiqApi.ky.get("v2/buildings", { signal: context.signal }).json<{ items: { id: string }[] }>();
    const ids = list.items.map((b) => b.id);
    const mapiqProgress = createProgress({ stream: process.stderr, total: mapiqRequests, unit: "calls", style: s, pages: false });
    let done = 1;
    mapiqProgress.update(done, done);
    const worker = async (n: number, path: (i: number) => string): Promise<void> => {
      for (let i = 0; i < n; i++) {
        await mapiqApi.ky.get(path(i), { signal: context.signal }).json();
        done++;
        mapiqProgress.update(done, done);
      }
    };
    const rest = mapiqRequests - 1;
    await Promise.all([
      worker(Math.floor(rest / 2), () => "v2/buildings"),
      worker(Math.ceil(rest / 2), (i) => `v2/buildings/${ids[i % ids.length] ?? ""}`),
    ]);
    mapiqProgress.done(`   ${s.green("✓")} ${done} Mapiq calls answered; app token from 1 client-credentials grant`);

    // 5. Summary from the sandbox's request log.
    printSummary(sandbox, say, s, Date.now() - started, (api.coordinator?.refreshCount ?? 0));
    const throttled = sandbox.log.count((e) => e.status === 429 || (e.status === 403 && e.api === "mapillary"));
    return throttled === 0 ? EXIT.ok : EXIT.rateLimited;
  },
};

function printSummary(sandbox: Sandbox, say: (line?: string) => void, s: Style, elapsedMs: number, refreshes: number): void {
  const log = sandbox.log;
  const tokenCalls = log.entries((e) => e.grantType !== null);
  const byGrant = new Map<string, number>();
  for (const e of tokenCalls) byGrant.set(e.grantType ?? "", (byGrant.get(e.grantType ?? "") ?? 0) + 1);
  const graph = log.count((e) => e.api === "mapillary" && e.grantType === null && e.route !== "/mapillary/connect");
  const mapiq = log.count((e) => e.api === "mapiq" && e.grantType === null);
  const status429 = log.count({ status: 429 });
  const graphThrottled = log.count((e) => e.api === "mapillary" && e.status === 403);
  const rejected = log.count((e) => e.status === 401);
  say();
  say(s.bold("5. Summary (from the sandbox's request log)"));
  say(`   requests        ${log.count()} (authorize ${log.count((e) => e.route === "/mapillary/connect")}, graph ${graph}, Mapiq ${mapiq}, token ${tokenCalls.length})`);
  say(`   token grants    ${[...byGrant].map(([grant, n]) => `${grant} ${n}`).join(", ")}`);
  say(`   refreshes       ${refreshes} (ahead of expiry; ${rejected} requests rejected for a stale token)`);
  const zero = status429 === 0 && graphThrottled === 0;
  const text = `${status429} × 429, ${graphThrottled} × Graph throttle (403 code 4)`;
  say(`   429s            ${zero ? s.green(text) : s.red(text)}`);
  say(`   time            ${(elapsedMs / 1000).toFixed(1)} s`);
}
