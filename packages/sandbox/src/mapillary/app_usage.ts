import type { SandboxState } from "../state.ts";

/** The limiter key of an app's graph budget. */
function usageKey(clientId: string): string {
  return `mapillary-budget:${clientId}`;
}

/** Percent of the app's per-window budget used so far (integer, capped at 100). */
export function budgetPercent(state: SandboxState, clientId: string): number {
  const { limit, windowMs } = state.settings.mapillaryAppBudget;
  const used = state.limits.usage(usageKey(clientId), state.now(), "fixed-window", windowMs);
  return limit <= 0 ? 100 : Math.min(100, Math.floor((used * 100) / limit));
}

/** The `x-app-usage` header Graph sends on every response. */
export function appUsageHeader(state: SandboxState, clientId: string): Record<string, string> {
  const pct = budgetPercent(state, clientId);
  return { "x-app-usage": JSON.stringify({ call_count: pct, total_cputime: 0, total_time: 0 }) };
}

/** Counts one call against the app's budget; `false` when the budget is spent (the call is not counted). */
export function chargeBudget(state: SandboxState, clientId: string): boolean {
  const { limit, windowMs } = state.settings.mapillaryAppBudget;
  return state.limits.hit(usageKey(clientId), state.now(), "fixed-window", limit, windowMs).allowed;
}
