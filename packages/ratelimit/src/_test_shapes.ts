/** The three ways a server counts requests (the sandbox's Mapiq emulator has the same three). */
export type ServerShape = "sliding-log" | "fixed-window" | "weighted";

/** The three shapes, for loops in tests and benches. */
export const SERVER_SHAPES: readonly ServerShape[] = ["sliding-log", "fixed-window", "weighted"];

/** A server-side counter: `hit(now)` says whether a request arriving at `now` is accepted (and records it if so). */
export interface ShapeCounter {
  hit(now: number): boolean;
}

/**
 * Counts like a server: `sliding-log` exact (timestamps with `now - t < W`), `fixed-window`
 * clock-aligned `[k·W, (k+1)·W)`, `weighted` the two-window estimate `prev·(W − elapsed)/W + curr`.
 * A request is accepted when the count before it is below `limit`; rejected requests do not count.
 * Calls must come in non-decreasing `now` order.
 */
export function shapeCounter(shape: ServerShape, limit: number, windowMs: number): ShapeCounter {
  const log: number[] = [];
  return {
    hit(now: number): boolean {
      while (log.length > 0 && (log[0] ?? 0) < now - 2 * windowMs) log.shift();
      const start = Math.floor(now / windowMs) * windowMs;
      let count: number;
      if (shape === "sliding-log") {
        count = log.filter((t) => now - t < windowMs).length;
      } else if (shape === "fixed-window") {
        count = log.filter((t) => t >= start).length;
      } else {
        const previous = log.filter((t) => t >= start - windowMs && t < start).length;
        const current = log.filter((t) => t >= start).length;
        count = (previous * (windowMs - (now - start))) / windowMs + current;
      }
      if (count >= limit) return false;
      log.push(now);
      return true;
    },
  };
}
