// One process of the "refresh exactly once" test on a FileTokenStore: argv directory, key, endpoint, callers.
import { FileTokenStore } from "../../src/file.ts";
import { runRefresher } from "./_refresher.ts";

const [directory = "", key = "", endpoint = "", callers = "250"] = process.argv.slice(2);
await runRefresher(new FileTokenStore({ directory }), key, endpoint, Number(callers));
