import { expect, it } from "vitest";
import { systemScheduler } from "./scheduler.ts";

it("runs and cancels timers with the global timers", async () => {
  const fired: string[] = [];
  const cancelled = systemScheduler.setTimeout(() => fired.push("cancelled"), 5);
  systemScheduler.clearTimeout(cancelled);
  await new Promise<void>((resolve) => systemScheduler.setTimeout(() => {
    fired.push("ran");
    resolve();
  }, 10));
  expect(fired).toEqual(["ran"]);
});
