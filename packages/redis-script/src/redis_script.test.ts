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

/** A script no server has cached yet (a fresh nonce in a comment): an EVALSHA of it gets NOSCRIPT. */
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
  it("runs with EVAL until a run succeeded (no NOSCRIPT round trip), then with one EVALSHA round trip", async () => {
    const script = freshScript();
    const key = `${PREFIX}:${crypto.randomUUID()}`;
    const { redis, sent } = counted(commander());
    // Three callers at once, before any run succeeded: one EVAL each, no EVALSHA refused.
    expect(await Promise.all(["a", "b", "c"].map((arg) => script.run(redis, [key], [arg])))).toHaveLength(3);
    expect(sent).toEqual(["EVAL", "EVAL", "EVAL"]);
    expect(await script.run(redis, [key], ["d"])).toEqual([key, "d", 4]);
    expect(sent).toEqual(["EVAL", "EVAL", "EVAL", "EVALSHA"]);
    await redis.send(["DEL", key]);
  });

  it("rejects with the script's own error, without a retry", async () => {
    const script = new RedisScript(`-- ${crypto.randomUUID()}\nreturn redis.error_reply('MYERR bad input')`);
    const { redis, sent } = counted(commander());
    await expect(script.run(redis, [], [])).rejects.toThrow(/MYERR bad input/);
    expect(sent).toEqual(["EVAL"]);
    await expect(script.run(redis, [], [])).rejects.toThrow(/MYERR bad input/);
    expect(sent).toEqual(["EVAL", "EVAL"]); // no run succeeded: still EVAL
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
    expect(first.sent).toEqual(["EVAL"]);
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
    expect(sent).toEqual(["EVAL"]);
    // The server loses its script cache (SCRIPT FLUSH, a restart): the wrapped NOSCRIPT is seen.
    const flushed = new RedisScript(script.source);
    await flushed.run(raw, [key], ["warm"]);
    const lost: RedisCommander = {
      send: (args) => (args[0] === "EVALSHA" ? wrapping.send(["EVALSHA", "0".repeat(40), ...args.slice(2)]) : wrapping.send(args)),
    };
    sent.length = 0;
    expect(await flushed.run(lost, [key], ["y"])).toEqual([key, "y", 3]);
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
    expect(sent).toEqual([["EVAL", "return 1", "1", "k", "v"]]);
    // Once a run succeeded: one EVALSHA, no EVAL after an error that is not NOSCRIPT.
    const ran = new RedisScript("return 1");
    await ran.run(toRedisCommander(io), [], []);
    sent.length = 0;
    await expect(ran.run(down, ["k"], ["v"])).rejects.toThrow("connection lost");
    expect(sent).toEqual([["EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "1", "k", "v"]]);
  });
});
