// Entry for Node, Deno and Bun: the config comes as JSON in the MLY_RUNTIME_CONFIG env variable.
import { runSuite } from "./suite.mjs";

const env = globalThis.Deno?.env.get("MLY_RUNTIME_CONFIG") ?? globalThis.process?.env.MLY_RUNTIME_CONFIG;
if (env === undefined) throw new Error("MLY_RUNTIME_CONFIG is not set: run this through run.mjs");
const { failed } = await runSuite(JSON.parse(env), (line) => console.log(line));
if (globalThis.Deno) globalThis.Deno.exit(failed === 0 ? 0 : 1);
else globalThis.process.exit(failed === 0 ? 0 : 1);
