import type { Fault, FaultHandle, FaultInjector, FaultSpec, FaultTarget } from "./fault_types.ts";

/** The injector plus the side the server uses to consume matching faults. */
export interface FaultRegistry extends FaultInjector {
  /** The faults hitting this request (each one's remaining count is used up). */
  take(target: FaultTarget): Fault[];
}

interface Live {
  id: number;
  spec: FaultSpec;
  remaining: number;
  hits: number;
}

/** A fresh fault registry. */
export function createFaultRegistry(): FaultRegistry {
  let live: Live[] = [];
  let nextId = 1;
  const handle = (f: Live): FaultHandle => ({
    id: f.id,
    get remaining() {
      return f.remaining;
    },
    get hits() {
      return f.hits;
    },
    remove() {
      live = live.filter((x) => x !== f);
    },
  });
  return {
    inject(spec) {
      const times = spec.times ?? 1;
      if (!(times > 0)) throw new RangeError("times must be positive");
      const f: Live = { id: nextId++, spec, remaining: times, hits: 0 };
      live.push(f);
      return handle(f);
    },
    active: () => live.map(handle),
    clear() {
      live = [];
    },
    take(target) {
      const hit = live.filter((f) => applies(f.spec, target));
      for (const f of hit) {
        f.hits++;
        f.remaining--;
      }
      live = live.filter((f) => f.remaining > 0);
      return hit.map((f) => f.spec.fault);
    },
  };
}

function applies(spec: FaultSpec, target: FaultTarget): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== target.method) return false;
  if (spec.api !== undefined && spec.api !== target.api) return false;
  if (typeof spec.route === "string") return spec.route === target.route || spec.route === target.path;
  if (typeof spec.route === "function") return spec.route(target);
  return true;
}
