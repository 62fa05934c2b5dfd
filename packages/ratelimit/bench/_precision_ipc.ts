import type { RateLimitMode } from "../src/mod.ts";

/** What the parent of the precision bench tells each child process (over IPC, not argv: it holds a token). */
export interface WorkerConfig {
  readonly type: "config";
  readonly redisUrl: string;
  /** Shared by every child of one case: they all count in the same Redis keys. */
  readonly prefix: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly mode: RateLimitMode;
  /** The sandbox Mapiq operation every child hammers. */
  readonly url: string;
  /** Its rate-limit key (method + route template). */
  readonly key: string;
  readonly token: string;
  /** Concurrent callers inside the child. */
  readonly callers: number;
  /** The child exits by itself this long after it starts, whatever happens. */
  readonly hardLimitMs: number;
}

/** Start sending; stop taking new permits at `endAt` (epoch ms, the machine's clock). */
export interface WorkerGo {
  readonly type: "go";
  readonly endAt: number;
}

export type ParentMessage = WorkerConfig | WorkerGo;

/** What a child reports: `hello` once it listens, `ready` once connected, `done` with its own counts. */
export type WorkerMessage =
  | { readonly type: "hello" }
  | { readonly type: "ready" }
  | { readonly type: "done"; readonly accepted: number; readonly rejected: number };
