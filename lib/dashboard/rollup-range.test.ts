import { describe, expect, it } from "vitest";
import { mergeDayRanges, planRollupRange } from "./rollup-range";

const TODAY = "2026-11-27";

describe("planRollupRange", () => {
  it("reads this month so far as the whole month", () => {
    expect(planRollupRange("2026-11-01", TODAY, TODAY)).toEqual({ months: ["2026-11-01"], add: [], subtract: [] });
  });

  it("reads a month mostly inside the range as the month minus its other days", () => {
    expect(planRollupRange("2026-10-05", "2026-10-31", TODAY)).toEqual({ months: ["2026-10-01"], add: [], subtract: [["2026-10-01", "2026-10-04"]] });
    expect(planRollupRange("2026-10-01", "2026-10-27", TODAY)).toEqual({ months: ["2026-10-01"], add: [], subtract: [["2026-10-28", "2026-10-31"]] });
  });

  it("reads a few days of a month from the daily roll-ups", () => {
    expect(planRollupRange("2026-08-30", TODAY, TODAY)).toEqual({ months: ["2026-09-01", "2026-10-01", "2026-11-01"], add: [["2026-08-30", "2026-08-31"]], subtract: [] });
    expect(planRollupRange("2026-11-10", "2026-11-19", TODAY)).toEqual({ months: [], add: [["2026-11-10", "2026-11-19"]], subtract: [] });
  });

  it("counts only days up to today against a partial current month", () => {
    // 25 days in the range, 2 before it and none with usage after it.
    expect(planRollupRange("2026-11-03", "2026-11-27", TODAY)).toEqual({ months: ["2026-11-01"], add: [], subtract: [["2026-11-01", "2026-11-02"]] });
    // 5 days in the range and 22 before it.
    expect(planRollupRange("2026-11-23", "2026-11-27", TODAY)).toEqual({ months: [], add: [["2026-11-23", "2026-11-27"]], subtract: [] });
    // Up to yesterday only: today's usage is subtracted.
    expect(planRollupRange("2026-11-01", "2026-11-26", TODAY)).toEqual({ months: ["2026-11-01"], add: [], subtract: [["2026-11-27", "2026-11-30"]] });
  });

  it("covers every day of the range exactly once", () => {
    for (const [from, to] of [["2026-01-15", "2026-03-02"], ["2025-12-31", "2026-01-01"], ["2026-02-01", "2026-02-28"], ["2026-06-01", "2026-08-29"]]) {
      const plan = planRollupRange(from, to, TODAY);
      const count = new Map<string, number>();
      const bump = (d: string, n: number) => count.set(d, (count.get(d) ?? 0) + n);
      const each = (a: string, b: string, n: number) => {
        for (let d = new Date(`${a}T00:00:00Z`); d.toISOString().slice(0, 10) <= b; d = new Date(d.getTime() + 86_400_000)) bump(d.toISOString().slice(0, 10), n);
      };
      for (const m of plan.months) {
        const end = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);
        each(m, end, 1);
      }
      for (const [a, b] of plan.add) each(a, b, 1);
      for (const [a, b] of plan.subtract) each(a, b, -1);
      for (const [d, n] of count) expect([d, n]).toEqual([d, d >= from && d <= to ? 1 : 0]);
    }
  });
});

describe("mergeDayRanges", () => {
  it("joins overlapping and adjacent ranges and keeps gaps", () => {
    expect(
      mergeDayRanges([
        ["2026-11-27", "2026-11-27"],
        ["2026-11-26", "2026-11-26"],
        ["2026-11-01", "2026-11-27"],
        ["2026-10-05", "2026-10-31"],
        ["2026-10-28", "2026-10-31"],
        ["2026-09-01", "2026-09-03"],
      ]),
    ).toEqual([
      ["2026-09-01", "2026-09-03"],
      ["2026-10-05", "2026-11-27"],
    ]);
  });
});
