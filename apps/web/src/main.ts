#!/usr/bin/env node
/**
 * `mly-web`: runs the sample app against the embedded sandbox (`--sandbox`) or Mapillary.
 *
 * @module
 */
import { mapillaryProfile, MlyError } from "@mly/auth-core";
import { DATASET_BBOX, startSandbox, type Sandbox } from "@mly/sandbox";
import { parseWebConfig, WEB_HELP } from "./config.ts";
import { startWebServer } from "./server.ts";

async function main(): Promise<number> {
  let config;
  try {
    config = parseWebConfig(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`mly-web: ${error instanceof Error ? error.message : String(error)}\nRun mly-web --help for the options.`);
    return 2;
  }
  if (config.help) {
    process.stdout.write(WEB_HELP);
    return 0;
  }
  let sandbox: Sandbox | undefined;
  let profile;
  let client;
  let bbox = config.bbox;
  if (config.sandbox) {
    sandbox = await startSandbox({ autoApprove: config.autoApprove });
    profile = mapillaryProfile(sandbox.endpoints.mapillary);
    client = sandbox.credentials.mapillary;
    bbox ??= [DATASET_BBOX[0], DATASET_BBOX[1], DATASET_BBOX[2], DATASET_BBOX[3]];
    console.log(`sandbox: ${sandbox.url} (consent page ${config.autoApprove ? "auto-approves" : "asks: click Approve or Deny"})`);
  } else {
    if (config.clientId === undefined || config.clientSecret === undefined) {
      console.error("mly-web: set MAPILLARY_CLIENT_ID and MAPILLARY_CLIENT_SECRET (from https://www.mapillary.com/dashboard/developers), or run with --sandbox.");
      return 2;
    }
    if (bbox === undefined) {
      console.error("mly-web: set --bbox W,S,E,N (or MLY_WEB_BBOX): the area whose images of yours are listed.");
      return 2;
    }
    profile = mapillaryProfile(config.endpoints);
    client = { clientId: config.clientId, clientSecret: config.clientSecret, ...(config.clientToken === undefined ? {} : { clientToken: config.clientToken }) };
  }
  let web;
  try {
    web = await startWebServer({
      profile,
      client,
      bbox,
      port: config.port,
      host: config.host,
      baseUrl: config.baseUrl,
      redisUrl: config.redisUrl,
      ...(config.sandbox ? { imageLink: undefined } : {}),
      log: (line) => {
        console.log(`[web] ${line}`);
      },
    });
  } catch (error) {
    await sandbox?.close();
    console.error(`mly-web: ${error instanceof MlyError || error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log(`mly-web: open ${web.url}  (tokens and sessions in ${web.storage}${web.storage === "redis" ? "" : "; set REDIS_URL to share them"})`);
  console.log(`OAuth callback: ${web.url}/auth/callback${config.sandbox ? "" : " — it must be the callback URL registered for the app"}`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await web.close();
  await sandbox?.close();
  return 0;
}

process.exitCode = await main();
