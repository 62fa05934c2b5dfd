let last = 0;

/**
 * The version of the next write: above the current one and above every version this process has
 * handed out, in microseconds of wall time. A version is therefore never reused, even after a
 * delete (no ABA on compare-and-set); across processes, two writers would have to meet in the same
 * microsecond on the same key.
 */
export function nextVersion(current: number | null | undefined): number {
  const now = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  last = Math.max(now, (current ?? 0) + 1, last + 1);
  return last;
}
