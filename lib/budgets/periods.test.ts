import { describe, expect, it } from "vitest";
import { periodContaining, previousPeriod, recentPeriods } from "./periods";

const iso = (r: { start: Date; end: Date }) => [r.start.toISOString(), r.end.toISOString()];

describe("budget periods (UTC calendar)", () => {
  it("puts a moment in its UTC day, end exclusive", () => {
    expect(iso(periodContaining("daily", new Date("2026-03-10T23:59:59.999Z")))).toEqual(["2026-03-10T00:00:00.000Z", "2026-03-11T00:00:00.000Z"]);
    expect(iso(periodContaining("daily", new Date("2026-03-11T00:00:00.000Z")))).toEqual(["2026-03-11T00:00:00.000Z", "2026-03-12T00:00:00.000Z"]);
  });

  it("starts weeks on Monday, also for a Sunday", () => {
    // 2026-03-15 is a Sunday, 2026-03-16 a Monday.
    expect(iso(periodContaining("weekly", new Date("2026-03-15T12:00:00Z")))).toEqual(["2026-03-09T00:00:00.000Z", "2026-03-16T00:00:00.000Z"]);
    expect(iso(periodContaining("weekly", new Date("2026-03-16T00:00:00Z")))).toEqual(["2026-03-16T00:00:00.000Z", "2026-03-23T00:00:00.000Z"]);
  });

  it("uses calendar months, across year ends and leap days", () => {
    expect(iso(periodContaining("monthly", new Date("2026-12-31T23:00:00Z")))).toEqual(["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
    expect(iso(periodContaining("monthly", new Date("2028-02-29T10:00:00Z")))).toEqual(["2028-02-01T00:00:00.000Z", "2028-03-01T00:00:00.000Z"]);
  });

  it("ignores the local time zone of the process", () => {
    // A moment just after midnight UTC is still that UTC day whatever TZ says.
    expect(periodContaining("daily", new Date(Date.UTC(2026, 0, 1, 0, 30))).start.toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });

  it("walks back through previous periods", () => {
    const jan = periodContaining("monthly", new Date("2026-01-20T00:00:00Z"));
    expect(iso(previousPeriod("monthly", jan))).toEqual(["2025-12-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"]);
    expect(recentPeriods("weekly", new Date("2026-03-18T00:00:00Z"), 3).map((r) => r.start.toISOString())).toEqual([
      "2026-03-16T00:00:00.000Z",
      "2026-03-09T00:00:00.000Z",
      "2026-03-02T00:00:00.000Z",
    ]);
  });
});
