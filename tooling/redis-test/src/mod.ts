/**
 * Test helper: the Redis that tests and benches run against, and private redis-servers.
 *
 * @module
 */
export { answers } from "./answers.ts";
export { freePort } from "./free_port.ts";
export { deleteTestKeys, redisTestPrefix, TEST_KEY_MARK, TEST_RUN_ENV, uniqueTestPrefix } from "./prefix.ts";
export { redisServerBinary, startRedisServer, type RedisServer, type StartRedisServerOptions } from "./redis_server.ts";
export { ciIsSet, skipLoudly } from "./skip.ts";
export { redisUrlFromEnv, testRedis, testRedisUrl, type TestRedis } from "./test_redis.ts";
export {
  clusterNodeCommand,
  clusterNodesFromEnv,
  slotOwner,
  startRedisCluster,
  testRedisCluster,
  waitForClusterOk,
  type ClusterAddress,
  type ClusterNodeProcess,
  type RedisClusterProcesses,
  type SlotOwner,
  type StartRedisClusterOptions,
  type TestRedisCluster,
} from "./cluster.ts";
