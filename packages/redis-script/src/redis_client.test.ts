import { redisTestPrefix } from "@mly/redis-test";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { clientMistake } from "./client_mistake.ts";
import { firstKeyOf, toRedisCommander, type RedisCommander } from "./redis_client.ts";

const url = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
/** Every key of this file starts with it; all are deleted after the file. */
const PREFIX = redisTestPrefix("redis-script client", url);
const io = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
const node = createClient({ url });

afterAll(async () => {
  io.disconnect();
  if (node.isOpen) await node.close();
});

describe("toRedisCommander", () => {
  it("adapts an ioredis client (call)", async () => {
    await io.connect();
    const redis = toRedisCommander(io);
    expect(await redis.send(["PING"])).toBe("PONG");
    const key = `${PREFIX}:${crypto.randomUUID()}`;
    expect(await redis.send(["SET", key, "v", "PX", "10000"])).toBe("OK");
    expect(await redis.send(["GET", key])).toBe("v");
    await expect(redis.send(["NOSUCHCOMMAND"])).rejects.toThrow(/unknown command/i);
  });

  it("adapts a node-redis client (sendCommand)", async () => {
    await node.connect();
    const redis = toRedisCommander(node);
    expect(await redis.send(["PING"])).toBe("PONG");
    const key = `${PREFIX}:${crypto.randomUUID()}`;
    expect(await redis.send(["SET", key, "1", "PX", "60000"])).toBe("OK"); // tests never write a key without a TTL
    expect(await redis.send(["INCR", key])).toBe(2);
    await redis.send(["DEL", key]);
  });

  it("prefers call over sendCommand (ioredis has both) and sendCommand over send", async () => {
    const used: string[] = [];
    const both = { call: (...args: string[]) => (used.push(`call ${args.join(" ")}`), Promise.resolve(1)), sendCommand: () => (used.push("sendCommand"), Promise.resolve(2)) };
    expect(await toRedisCommander(both).send(["PING", "x"])).toBe(1);
    const node2 = { sendCommand: (args: string[]) => (used.push(`sendCommand ${args.join(" ")}`), Promise.resolve(2)), send: () => (used.push("send"), Promise.resolve(3)) };
    expect(await toRedisCommander(node2).send(["PING"])).toBe(2);
    expect(used).toEqual(["call PING x", "sendCommand PING"]);
  });

  it("passes a commander of your own through as it is", () => {
    const own: RedisCommander = { send: () => Promise.resolve("PONG") };
    expect(toRedisCommander(own)).toBe(own);
  });

  it("rejects clients of unknown shape with a TypeError", () => {
    expect(() => toRedisCommander({} as never)).toThrow(TypeError);
    expect(() => toRedisCommander({ call: "no" } as never)).toThrow(TypeError);
  });
});

describe("cluster shapes and client mistakes", () => {
  it("routes a node-redis cluster's sendCommand(firstKey, isReadonly, args) by the first key (a script's first KEYS entry)", async () => {
    const calls: unknown[][] = [];
    const cluster = {
      masters: [{ address: "127.0.0.1:1" }],
      nodeClient: () => ({ sendCommand: (args: string[]) => Promise.resolve(`node ${args.join(" ")}`) }),
      sendCommand: (...args: unknown[]) => (calls.push(args), Promise.resolve("OK")),
    };
    const redis = toRedisCommander(cluster);
    await redis.send(["EVALSHA", "abc", "2", "{t}:a", "{t}:b", "x"]);
    await redis.send(["HGET", "k", "f"]);
    await redis.send(["PING"]);
    expect(calls).toEqual([
      ["{t}:a", false, ["EVALSHA", "abc", "2", "{t}:a", "{t}:b", "x"]],
      ["k", false, ["HGET", "k", "f"]],
      [undefined, false, ["PING"]],
    ]);
    const masters = await redis.masters?.();
    expect(await masters?.[0]?.send(["SCAN", "0"])).toBe("node SCAN 0");
  });

  it("a TypeError from the client → a TypeError saying it is a programming error, without the command's arguments", async () => {
    const redis = toRedisCommander({ sendCommand: () => { throw new TypeError("Cannot read properties of undefined (reading 'secret-value-123')"); } });
    const error: unknown = await redis.send(["SET", "k", "secret-value-123"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^The Redis client threw a TypeError on SET .*programming error, not an outage/);
    expect((error as Error).message).not.toContain("secret-value-123");
    expect(clientMistake(["GET"], error)).toBe(error);
    expect(clientMistake(["GET"], new Error("Connection is closed."))).toBeUndefined();
    expect(firstKeyOf(["EVAL", "return 1", "0"])).toBeUndefined();
  });
});
