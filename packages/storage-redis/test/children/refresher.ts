// One process of the "refresh exactly once" test on a RedisTokenStore: argv redis URL, key, endpoint, callers, prefix.
import { Redis } from "ioredis";
import { runRefresher } from "../../../storage/test/children/_refresher.ts";
import { RedisTokenStore } from "../../src/redis_token_store.ts";

const [redisUrl = "", key = "", endpoint = "", callers = "250", prefix = "mly"] = process.argv.slice(2);
await runRefresher(new RedisTokenStore({ client: new Redis(redisUrl), prefix }), key, endpoint, Number(callers));
