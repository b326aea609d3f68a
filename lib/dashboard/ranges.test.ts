import { describe, expect, it } from "vitest";
import { matchPreset, previousRange, rangeDays, rangePresets } from "./ranges";

const now = new Date("2026-03-05T10:00:00Z");

describe("range presets", () => {
  it("gives inclusive UTC ranges for every preset", () => {
    const byKey = Object.fromEntries(rangePresets(now).map((p) => [p.key, [p.from, p.to]]));
    expect(byKey).toEqual({
      today: ["2026-03-05", "2026-03-05"],
      "7d": ["2026-02-27", "2026-03-05"],
      "30d": ["2026-02-04", "2026-03-05"],
      month: ["2026-03-01", "2026-03-05"],
      "last-month": ["2026-02-01", "2026-02-28"],
      "90d": ["2025-12-06", "2026-03-05"],
    });
    expect(rangeDays({ from: "2025-12-06", to: "2026-03-05" })).toBe(90);
  });

  it("recognises a preset and nothing else", () => {
    expect(matchPreset({ from: "2026-03-01", to: "2026-03-05" }, now)).toBe("month");
    expect(matchPreset({ from: "2026-03-02", to: "2026-03-05" }, now)).toBeNull();
  });

  it("compares a range with the same number of days before it, a whole month with the month before", () => {
    expect(previousRange({ from: "2026-03-01", to: "2026-03-05" })).toEqual({ from: "2026-02-24", to: "2026-02-28" });
    expect(previousRange({ from: "2026-03-01", to: "2026-03-31" })).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(previousRange({ from: "2026-02-01", to: "2026-02-28" })).toEqual({ from: "2026-01-01", to: "2026-01-31" });
    expect(previousRange({ from: "2026-03-05", to: "2026-03-05" })).toEqual({ from: "2026-03-04", to: "2026-03-04" });
  });
});

describe("previous period on the chart", async () => {
  const { prepareDailySeries, withPreviousPeriod } = await import("./chart-data");
  it("puts each previous day beside the day at the same position of the range", () => {
    const s = prepareDailySeries([{ day: "2026-03-02", series: "a", cost: "2" }], { from: "2026-03-01", to: "2026-03-03" });
    const p = withPreviousPeriod(s, [{ day: "2026-02-26", cost: "1.5" }, { day: "2026-02-26", cost: "0.25" }, { day: "2026-02-20", cost: "9" }], { from: "2026-02-26", to: "2026-02-28" });
    expect(p.points.map((x) => x.exact.previous)).toEqual(["1.75", "0", "0"]);
    expect(p.points[0].exact.previousDay).toBe("2026-02-26");
    expect(p.previousTotal).toBe("1.75");
  });
});
