// The budget decision of SPEC §5, for one estimate against every budget in scope. Pure: the
// caller has locked and read the counters; this says what the answer is and which budgets
// the estimate would push over their limit.
import { Decimal, dec, type DecimalLike } from "@/lib/money";

export type BudgetDecision = "allow" | "warn" | "confirm" | "block";
export type BudgetMode = "soft" | "hard";

export interface BudgetFigures {
  spent: DecimalLike;
  reserved: DecimalLike;
  /** Extensions in force; they raise the limit, not the warning threshold. */
  extension: DecimalLike;
  limit: DecimalLike;
  mode: BudgetMode;
  warnPercent: number;
}

export interface BudgetVerdict {
  /** spent + reserved + estimate fits under limit + extension. */
  fits: boolean;
  /** After the reservation, spent + reserved is at or above the warning threshold. */
  warns: boolean;
  /** What is left under limit + extension now, before the estimate (never negative). */
  remaining: Decimal;
}

export function warningThreshold(limit: DecimalLike, warnPercent: number): Decimal {
  return dec(limit).times(warnPercent).dividedBy(100);
}

export function judgeBudget(figures: BudgetFigures, estimate: DecimalLike): BudgetVerdict {
  const used = dec(figures.spent).plus(dec(figures.reserved));
  const cap = dec(figures.limit).plus(dec(figures.extension));
  const after = used.plus(dec(estimate));
  const remaining = Decimal.max(cap.minus(used), 0);
  return {
    fits: after.lessThanOrEqualTo(cap),
    warns: after.greaterThanOrEqualTo(warningThreshold(figures.limit, figures.warnPercent)),
    remaining,
  };
}

/**
 * One hard budget over its limit blocks; otherwise a soft one over its limit asks for a
 * confirmed override; otherwise any budget at its warning threshold warns.
 */
export function decideBudgets(budgets: readonly BudgetFigures[], estimate: DecimalLike): { decision: BudgetDecision; verdicts: BudgetVerdict[] } {
  const verdicts = budgets.map((b) => judgeBudget(b, estimate));
  let decision: BudgetDecision = "allow";
  if (budgets.some((b, i) => !verdicts[i].fits && b.mode === "hard")) decision = "block";
  else if (verdicts.some((v) => !v.fits)) decision = "confirm";
  else if (verdicts.some((v) => v.warns)) decision = "warn";
  return { decision, verdicts };
}
