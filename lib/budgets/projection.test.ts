import { describe, expect, it } from "vitest";
import { periodContaining } from "./periods";
import { projectPeriod } from "./projection";

const november = periodContaining("monthly", new Date("2026-11-10T00:00:00Z"));

describe("burn-rate projection", () => {
  it("extrapolates the rate so far to the end of the period", () => {
    // 10 days elapsed, $10 spent: $1/day, 20 days left → $30.
    const p = projectPeriod({ spent: "10", limit: "100", period: november, now: new Date("2026-11-11T00:00:00Z") });
    expect(p.dailyRate.toString()).toBe("1");
    expect(p.projectedSpend.toString()).toBe("30");
    expect(p.limitReachedAt).toBeNull();
  });

  it("says when the limit is reached at the current rate", () => {
    const p = projectPeriod({ spent: "10", limit: "25", period: november, now: new Date("2026-11-11T00:00:00Z") });
    expect(p.limitReachedAt?.toISOString()).toBe("2026-11-26T00:00:00.000Z");
  });

  it("reports a limit already reached as reached now", () => {
    const now = new Date("2026-11-11T00:00:00Z");
    expect(projectPeriod({ spent: "30", limit: "25", period: november, now }).limitReachedAt).toEqual(now);
  });

  it("does not extrapolate one early call into an absurd rate", () => {
    const p = projectPeriod({ spent: "3", limit: "1000", period: november, now: new Date("2026-11-01T00:05:00Z") });
    // Counted as one day's spend: about $3 × 30 days, not $3 per five minutes.
    expect(p.projectedSpend.lessThanOrEqualTo(93)).toBe(true);
  });

  it("projects nothing from nothing", () => {
    const p = projectPeriod({ spent: "0", limit: "10", period: november, now: new Date("2026-11-15T00:00:00Z") });
    expect(p.projectedSpend.toString()).toBe("0");
    expect(p.limitReachedAt).toBeNull();
  });
});
