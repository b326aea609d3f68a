import { describe, expect, it } from "vitest";
import { budgetSpendSeries } from "./spend-series";

describe("budgetSpendSeries", () => {
  it("adds up spend per day to today, then projects in a straight line to the period end", () => {
    const s = budgetSpendSeries([{ day: "2026-11-02", cost: "1.5" }, { day: "2026-11-03", cost: "0.5" }], { from: "2026-11-01", lastDay: "2026-11-05", today: "2026-11-03" }, "4");
    expect(s.map((p) => p.exactSpent)).toEqual(["0", "1.5", "2", undefined, undefined]);
    expect(s.map((p) => p.exactProjected)).toEqual([undefined, undefined, "2", "3", "4"]);
  });
});
