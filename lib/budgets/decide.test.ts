import { describe, expect, it } from "vitest";
import { decideBudgets, judgeBudget, type BudgetFigures } from "./decide";

const budget = (over: Partial<BudgetFigures> = {}): BudgetFigures => ({ spent: "0", reserved: "0", extension: "0", limit: "10", mode: "hard", warnPercent: 80, ...over });

describe("budget decision", () => {
  it("allows an estimate that fits exactly under the limit", () => {
    expect(decideBudgets([budget({ spent: "5", reserved: "4.9", warnPercent: 100 })], "0.1").decision).toBe("warn");
    expect(decideBudgets([budget({ spent: "5", reserved: "4" })], "0.1").decision).toBe("warn");
    expect(decideBudgets([budget({ spent: "5", reserved: "2" })], "0.1").decision).toBe("allow");
  });

  it("warns when spent + reserved after the reservation reaches the threshold", () => {
    expect(decideBudgets([budget({ spent: "7.9" })], "0.1").decision).toBe("warn");
    expect(decideBudgets([budget({ spent: "7.8" })], "0.1").decision).toBe("allow");
  });

  it("blocks over a hard limit and asks to confirm over a soft one", () => {
    expect(decideBudgets([budget({ spent: "9.95" })], "0.1").decision).toBe("block");
    expect(decideBudgets([budget({ spent: "9.95", mode: "soft" })], "0.1").decision).toBe("confirm");
  });

  it("lets a hard budget win over a soft one", () => {
    const { decision, verdicts } = decideBudgets([budget({ spent: "20", mode: "soft" }), budget({ spent: "9.95" })], "0.1");
    expect(decision).toBe("block");
    expect(verdicts.map((v) => v.fits)).toEqual([false, false]);
  });

  it("counts extensions towards the limit but not the warning threshold", () => {
    const v = judgeBudget(budget({ spent: "10", extension: "5" }), "1");
    expect(v.fits).toBe(true);
    expect(v.warns).toBe(true);
    expect(v.remaining.toString()).toBe("5");
  });

  it("is exact with decimals that floats get wrong", () => {
    // 0.1 + 0.2 > 0.3 in binary floating point.
    expect(judgeBudget(budget({ spent: "0.1", reserved: "0.2", limit: "0.4" }), "0.1").fits).toBe(true);
  });

  it("allows with no budgets at all", () => {
    expect(decideBudgets([], "100").decision).toBe("allow");
  });
});
