// The command-line sandbox as a user runs it: a real child process on the `mly-sandbox` bin (the
// committed shim that loads the built CLI).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../bin/mly-sandbox.js", import.meta.url));

describe("mly-sandbox (child process)", () => {
  it("prints its URLs and credentials, serves them, and stops cleanly on SIGINT", async () => {
    const child = spawn(process.execPath, [cli, "--port", "0", "--auto-approve", "--quiet"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8");
    const base = await new Promise<string>((resolve, reject) => {
      // Hang detection only (a busy machine can take many seconds to start a process).
      const timer = setTimeout(() => { reject(new Error(`no URL printed: ${output}`)); }, 45_000);
      child.stdout.on("data", (chunk: string) => {
        output += chunk;
        const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
        if (match !== null && output.includes("mapiq")) {
          clearTimeout(timer);
          resolve(match[0]);
        }
      });
    });
    expect(output).toContain(`${base}/mapillary/graph/token`);
    expect(output).toMatch(/MLY\|\d+\|[0-9a-f]{32}/);
    const token = await fetch(`${base}/mapiq/account/api/public/oauth2/token`, { method: "POST", body: "grant_type=client_credentials" });
    expect(token.status).toBeGreaterThanOrEqual(400);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  }, 90_000);
});
