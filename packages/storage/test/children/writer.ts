// Writes token n, n+1, … to a FileTokenStore as fast as it can, printing each n once its write returned.
import { FileTokenStore } from "../../src/file.ts";
import { sampleTokenSet } from "@mly/auth-core/testing";

const [directory = "", key = "", start = "1"] = process.argv.slice(2);
const store = new FileTokenStore({ directory });
process.stdout.write("ready\n");
for (let n = Number(start); ; n++) {
  await store.set(key, sampleTokenSet(String(n)));
  process.stdout.write(`${n}\n`);
}
