#!/usr/bin/env node
import { banner } from "./banner.ts";
import { parseCliArgs, USAGE } from "./cli_args.ts";
import { startSandbox } from "./sandbox.ts";

async function main(): Promise<void> {
  let args;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err: unknown) {
    console.error(`mly-sandbox: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const sb = await startSandbox({
    port: args.port,
    host: args.host,
    autoApprove: args.autoApprove,
    redirectUris: args.redirectUris,
    settings: { mapillaryRefreshTokens: args.refreshTokens },
    ...(args.quiet ? {} : { logger: (line: string) => { console.log(`  ${new Date().toISOString()} ${line}`); } }),
  });
  console.log(banner(sb, args.redirectUris));
  const stop = (): void => {
    console.log("\nstopping…");
    void sb.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

void main();
