// One process of the "refresh exactly once" test on a RedisTokenStore: argv redis URL, key, endpoint, callers, prefix.
import { Redis } from "ioredis";
import { runRefresher } from "../../../storage/test/children/_refresher.ts";
import { RedisTokenStore } from "../../src/redis_token_store.ts";

const [redisUrl = "", key = "", endpoint = "", callers = "250", prefix = "mly"] = process.argv.slice(2);
// 1 000 callers on a busy machine can wait longer than the default 1 s for a reply: this test
// proves one refresh, not Redis latency, so the bound only catches a hang.
await runRefresher(new RedisTokenStore({ client: new Redis(redisUrl), prefix, timeoutMs: 30_000 }), key, endpoint, Number(callers));
