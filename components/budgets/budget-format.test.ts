import { describe, expect, it } from "vitest";
import { budgetCap, budgetState, limitReachedText, percentOf, scopeLabel, type BudgetView } from "./budget-format";
import { dec } from "@/lib/money";

const budget = (patch: Partial<BudgetView> = {}): BudgetView => ({
  id: "b",
  scope: "organization",
  scopeKey: null,
  period: "monthly",
  mode: "soft",
  active: true,
  warnPercent: 80,
  limitUsd: "10",
  extensionUsd: "0",
  spentUsd: "0",
  reservedUsd: "0",
  remainingUsd: "10",
  periodStart: "2026-11-01T00:00:00.000Z",
  periodEnd: "2026-12-01T00:00:00.000Z",
  projectedSpendUsd: "0",
  limitReachedAt: null,
  ...patch,
});

describe("budget display", () => {
  it("counts extensions in the cap and rounds percentages down, never up to a false 100%", () => {
    expect(budgetCap(budget({ limitUsd: "10", extensionUsd: "2.5" })).toFixed()).toBe("12.5");
    expect(percentOf("9.999", dec(10))).toBe(99);
    expect(percentOf("1", dec(0))).toBe(0);
  });

  it("names the state from spent + reserved against the warning threshold and the cap", () => {
    expect(budgetState(budget({ spentUsd: "7.99" })).label).toBe("within limit");
    expect(budgetState(budget({ spentUsd: "7", reservedUsd: "1" })).label).toBe("warning");
    expect(budgetState(budget({ spentUsd: "10" })).label).toBe("over limit");
    expect(budgetState(budget({ spentUsd: "10", mode: "hard" })).label).toBe("blocked");
    expect(budgetState(budget({ spentUsd: "10", extensionUsd: "5" })).label).toBe("on extension");
    expect(budgetState(budget({ spentUsd: "1", extensionUsd: "5" })).label).toBe("within limit");
    expect(budgetState(budget({ spentUsd: "10", active: false })).label).toBe("inactive");
  });

  it("says when the limit is reached in words when there is no date to give", () => {
    expect(limitReachedText(budget())).toBe("no spend yet");
    expect(limitReachedText(budget({ spentUsd: "1" }))).toBe("not this period");
    expect(limitReachedText(budget({ spentUsd: "5", limitReachedAt: "2026-11-20T13:45:00.000Z" }))).toBe("2026-11-20 13:45 UTC");
    expect(limitReachedText(budget({ spentUsd: "12", limitReachedAt: "2026-11-10T00:00:00.000Z" }))).toBe("already reached");
    expect(limitReachedText(budget({ active: false }))).toBe("not counting");
  });

  it("labels scopes", () => {
    expect(scopeLabel({ scope: "organization", scopeKey: null })).toBe("Whole organisation");
    expect(scopeLabel({ scope: "project", scopeKey: "chatbot" })).toBe("Project chatbot");
    expect(scopeLabel({ scope: "user", scopeKey: "u-1" })).toBe("User u-1");
  });
});
