#!/usr/bin/env node
// The Redis Cluster of CI: 3 masters + 3 replicas on loopback free ports, plain redis-servers.
//   node tooling/redis-test/cluster.mjs start <dir>   starts it (nodes' files and pids in <dir>) and
//                                                     prints the nodes: 127.0.0.1:p1,…
//                                                     (what REDIS_CLUSTER_NODES wants)
//   node tooling/redis-test/cluster.mjs stop <dir>    kills every node by pid and removes <dir>
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const NODES = 6;
const NODE_TIMEOUT_MS = 2000;
const [action, dir] = process.argv.slice(2);
if ((action !== "start" && action !== "stop") || dir === undefined) {
  console.error("usage: node tooling/redis-test/cluster.mjs start|stop <dir>");
  process.exit(2);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function cli(port, ...args) {
  try {
    return execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

async function waitFor(check, failure, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stop() {
  for (const line of existsSync(join(dir, "pids")) ? readFileSync(join(dir, "pids"), "utf8").split("\n") : []) {
    const pid = Number(line);
    if (pid > 0) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

if (action === "stop") {
  stop();
} else {
  mkdirSync(dir, { recursive: true });
  const ports = [];
  const pids = [];
  try {
    for (let i = 0; i < NODES; i += 1) {
      const port = await freePort();
      ports.push(port);
      const pidfile = join(dir, `redis-${port}.pid`);
      // prettier-ignore
      execFileSync("redis-server", ["--daemonize", "yes", "--pidfile", pidfile, "--port", String(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir, "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`,
        "--cluster-node-timeout", String(NODE_TIMEOUT_MS), "--enable-debug-command", "local", "--cluster-replica-validity-factor", "0", "--logfile", join(dir, `redis-${port}.log`)]);
      await waitFor(() => existsSync(pidfile) && cli(port, "PING").trim() === "PONG", `redis-server on port ${port} did not start`);
      pids.push(readFileSync(pidfile, "utf8").trim());
      writeFileSync(join(dir, "pids"), `${pids.join("\n")}\n`);
    }
    execFileSync("redis-cli", ["--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "1", "--cluster-yes"], { stdio: ["ignore", "ignore", "inherit"] });
    await waitFor(() => ports.every((port) => /cluster_state:ok/.test(cli(port, "CLUSTER", "INFO"))), "the cluster did not reach cluster_state:ok");
    console.log(`${ports.map((port) => `127.0.0.1:${port}`).join(",")}`);
  } catch (error) {
    stop();
    throw error;
  }
}
