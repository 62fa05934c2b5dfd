/** The contenders of the shared-limiter bench: mly's Redis limiter and its peers, each on its own Redis. */
export type Contender = "mly" | "rate-limiter-flexible" | "bottleneck reservoir" | "bottleneck minTime";

/** What the parent tells each child process (over IPC, not argv: it holds a token). */
export interface PeerWorkerConfig {
  readonly type: "config";
  readonly contender: Contender;
  /** The contender's own Redis, shared by its 4 processes. */
  readonly redisUrl: string;
  /** The contender's key prefix (or bottleneck id) for this shape. */
  readonly prefix: string;
  readonly limit: number;
  readonly windowMs: number;
  /** The sandbox Mapiq operation every process hammers, its rate-limit key and a token. */
  readonly url: string;
  readonly key: string;
  readonly token: string;
  /** Concurrent callers inside the process. */
  readonly callers: number;
  /** The child exits by itself this long after this config, whatever happens. */
  readonly hardLimitMs: number;
}

/** Start at `startAt` (epoch ms, the same instant in every process); send nothing granted at or after `endAt`. */
export interface PeerWorkerGo {
  readonly type: "go";
  readonly startAt: number;
  readonly endAt: number;
}

/**
 * `hello` once listening, `ready` once connected; `done` with what the process counted: statuses,
 * waits (ms), commands sent to Redis, those commands by script operation (mly only: `acquire`,
 * `settle`, …, and `EVAL acquire` for a script sent in full after NOSCRIPT), and the callers let
 * through at or after the end, who gave their slot back instead of sending.
 */
export type PeerWorkerMessage =
  | { readonly type: "hello" }
  | { readonly type: "ready" }
  | {
      readonly type: "done";
      readonly accepted: number;
      readonly rejected: number;
      readonly waits: readonly number[];
      readonly commands: number;
      readonly operations: Readonly<Record<string, number>>;
      readonly turnedAway: number;
    };
