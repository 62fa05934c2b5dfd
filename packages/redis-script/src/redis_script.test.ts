import { redisServerBinary, redisTestPrefix, skipLoudly, startRedisServer } from "@mly/redis-test";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toRedisCommander, type RedisCommander } from "./redis_client.ts";
import { RedisScript } from "./redis_script.ts";

const url = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
/** Every key of this file starts with it; all are deleted after the file. */
const PREFIX = redisTestPrefix("redis-script", url);
const io = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
const node = createClient({ url });

beforeAll(async () => {
  await io.connect();
  await node.connect();
});

afterAll(async () => {
  io.disconnect();
  await node.close();
});

/** A script no server has cached yet (a fresh nonce in a comment), so its first EVALSHA gets NOSCRIPT. */
function freshScript(): RedisScript {
  // The key gets a TTL: tests never leave a key without one, even when they fail before their DEL.
  return new RedisScript(`-- ${crypto.randomUUID()}\nlocal n = redis.call('INCR', KEYS[1])\nredis.call('PEXPIRE', KEYS[1], 60000)\nreturn {KEYS[1], ARGV[1], n}`);
}

/** `commander`, recording the command name of every round trip. */
function counted(commander: RedisCommander): { redis: RedisCommander; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    redis: {
      send: (args) => {
        sent.push(args[0] ?? "");
        return commander.send(args);
      },
    },
  };
}

const clients = [
  ["ioredis", () => toRedisCommander(io)],
  ["node-redis", () => toRedisCommander(node)],
] as const;

describe.each(clients)("RedisScript through %s", (_, commander) => {
  it("runs with EVAL after NOSCRIPT, then with one EVALSHA round trip; runs started meanwhile wait for the first", async () => {
    const script = freshScript();
    const key = `${PREFIX}:${crypto.randomUUID()}`;
    const { redis, sent } = counted(commander());
    // Three callers at once: the first finds out the server lacks the script (EVALSHA refused,
    // then EVAL); the other two wait for it and need one EVALSHA each, no NOSCRIPT of their own.
    const replies = await Promise.all(["a", "b", "c"].map((arg) => script.run(redis, [key], [arg])));
    expect(replies.map((reply) => (reply as unknown[])[1])).toEqual(["a", "b", "c"]);
    expect(sent).toEqual(["EVALSHA", "EVAL", "EVALSHA", "EVALSHA"]);
    expect(await script.run(redis, [key], ["d"])).toEqual([key, "d", 4]);
    expect(sent).toEqual(["EVALSHA", "EVAL", "EVALSHA", "EVALSHA", "EVALSHA"]);
    await redis.send(["DEL", key]);
  });

  it("rejects with the script's own error, without an EVAL retry", async () => {
    const script = new RedisScript(`-- ${crypto.randomUUID()}\nreturn redis.error_reply('MYERR bad input')`);
    const { redis, sent } = counted(commander());
    await expect(script.run(redis, [], [])).rejects.toThrow(/MYERR bad input/);
    expect(sent).toEqual(["EVALSHA", "EVAL"]); // NOSCRIPT first, then the script ran and failed
    await expect(script.run(redis, [], [])).rejects.toThrow(/MYERR bad input/);
    expect(sent).toEqual(["EVALSHA", "EVAL", "EVALSHA"]);
  });
});

describe("RedisScript", () => {
  it("sends EVAL after NOSCRIPT from a server that has not cached it (a restart, another node)", async () => {
    if (redisServerBinary() === undefined) {
      skipLoudly("redis-server is missing: the NOSCRIPT test against a second server is SKIPPED");
      return;
    }
    const script = freshScript();
    const key = `${PREFIX}:${crypto.randomUUID()}`;
    const first = counted(toRedisCommander(io));
    expect(await script.run(first.redis, [key], ["a"])).toEqual([key, "a", 1]);
    expect(first.sent).toEqual(["EVALSHA", "EVAL"]);
    await first.redis.send(["DEL", key]);
    const other = await startRedisServer();
    const io2 = new Redis(other.url, { maxRetriesPerRequest: 0 });
    try {
      const second = counted(toRedisCommander(io2));
      expect(await script.run(second.redis, [key], ["b"])).toEqual([key, "b", 1]);
      expect(second.sent).toEqual(["EVALSHA", "EVAL"]);
      expect(await script.run(second.redis, [key], ["c"])).toEqual([key, "c", 2]);
      expect(second.sent).toEqual(["EVALSHA", "EVAL", "EVALSHA"]);
    } finally {
      io2.disconnect();
      await other.stop("SIGTERM");
    }
  });

  it("computes the SHA-1 Redis computes (SCRIPT LOAD)", async () => {
    const script = freshScript();
    expect(await script.sha()).toBe(await io.call("SCRIPT", "LOAD", script.source));
    expect(await new RedisScript("return 1").sha()).toBe("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  });

  it("uses a SHA given ahead (lower-cased) and rejects one that is not 40 hex digits", async () => {
    const sha = await new RedisScript("return 1").sha();
    expect(await new RedisScript("return 1", { sha: sha.toUpperCase() }).sha()).toBe(sha);
    expect(() => new RedisScript("return 1", { sha: "abc" })).toThrow(TypeError);
  });

  it("recognises NOSCRIPT in the cause chain of a wrapping commander's error", async () => {
    const script = freshScript();
    const key = `${PREFIX}:${crypto.randomUUID()}`;
    const raw = toRedisCommander(io);
    const sent: string[] = [];
    const wrapping: RedisCommander = {
      send: async (args) => {
        sent.push(args[0] ?? "");
        try {
          return await raw.send(args);
        } catch (error) {
          throw new Error("Redis refused the command", { cause: error });
        }
      },
    };
    expect(await script.run(wrapping, [key], ["x"])).toEqual([key, "x", 1]);
    expect(sent).toEqual(["EVALSHA", "EVAL"]);
    await raw.send(["DEL", key]);
  });

  it("does not retry an error that is not NOSCRIPT", async () => {
    const sent: string[][] = [];
    const down: RedisCommander = {
      send: (args) => {
        sent.push([...args]);
        return Promise.reject(new Error("connection lost"));
      },
    };
    await expect(new RedisScript("return 1").run(down, ["k"], ["v"])).rejects.toThrow("connection lost");
    expect(sent).toEqual([["EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "1", "k", "v"]]);
  });

  it("runs with EVALSHA alone where EVAL is forbidden (an ACL with -eval, the script loaded ahead)", async () => {
    const script = freshScript();
    const key = `${PREFIX}:${crypto.randomUUID()}`;
    const raw = toRedisCommander(io);
    await raw.send(["SCRIPT", "LOAD", script.source]);
    const sent: string[] = [];
    const noEval: RedisCommander = {
      send: (args) => {
        sent.push(args[0] ?? "");
        return args[0] === "EVAL" ? Promise.reject(new Error("NOPERM User has no permissions to run the 'eval' command")) : raw.send(args);
      },
    };
    expect(await Promise.all([script.run(noEval, [key], ["a"]), script.run(noEval, [key], ["b"])])).toEqual([
      [key, "a", 1],
      [key, "b", 2],
    ]);
    expect(sent).toEqual(["EVALSHA", "EVALSHA"]);
    await raw.send(["DEL", key]);
  });

  it("when the first run fails, the runs that waited for it try on their own", async () => {
    const script = freshScript();
    const key = `${PREFIX}:${crypto.randomUUID()}`;
    const raw = toRedisCommander(io);
    const sent: string[] = [];
    let failures = 1;
    const flaky: RedisCommander = {
      send: (args) => {
        sent.push(args[0] ?? "");
        if (failures > 0) {
          failures -= 1;
          return Promise.reject(new Error("connection lost"));
        }
        return raw.send(args);
      },
    };
    const [first, second] = await Promise.allSettled([script.run(flaky, [key], ["a"]), script.run(flaky, [key], ["b"])]);
    expect(first.status).toBe("rejected");
    expect(second).toEqual({ status: "fulfilled", value: [key, "b", 1] });
    expect(sent).toEqual(["EVALSHA", "EVALSHA", "EVAL"]);
    await raw.send(["DEL", key]);
  });
});
