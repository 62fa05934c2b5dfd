import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { humanExpiry, relativeTime } from "./human_time.ts";

const DAY = 86_400_000;

describe("relativeTime", () => {
  it("speaks Intl.RelativeTimeFormat, rounded to the nearest unit", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(relativeTime(now + 60 * DAY, now)).toBe("in 60 days");
    expect(relativeTime(now + 60 * DAY - 1000, now)).toBe("in 60 days");
    expect(relativeTime(now + 3_600_000, now)).toBe("in 1 hour");
    expect(relativeTime(now - 3 * 60_000, now)).toBe("3 minutes ago");
    expect(relativeTime(now - 1000, now)).toBe("1 second ago");
    expect(humanExpiry(now - 3 * 60_000, now)).toBe("expired 3 minutes ago");
    expect(humanExpiry(null, now)).toBe("never");
  });

  it("property: readings a few seconds apart agree (login and status say the same)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 400 }), fc.integer({ min: -30_000, max: 30_000 }), fc.integer({ min: 0, max: 2 ** 40 }), (days, jitter, now) => {
        expect(relativeTime(now + days * DAY + jitter, now)).toBe(`in ${days} days`);
        expect(relativeTime(now - days * DAY + jitter, now)).toBe(`${days} days ago`);
      }),
    );
  });
});
