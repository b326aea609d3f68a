import { dec } from "@/lib/money";
import { budgetCap, formatUsd, percentOf, type BudgetView } from "./budget-format";

/**
 * Spent and reserved against limit + extensions. The bar is decoration: the same figures are
 * written out beside it, so colour is never the only carrier of meaning.
 */
export function UsageBar({ budget, compact = false }: { budget: BudgetView; compact?: boolean }) {
  const cap = budgetCap(budget);
  const spentPct = Math.min(100, percentOf(budget.spentUsd, cap));
  const reservedPct = Math.min(100 - spentPct, percentOf(budget.reservedUsd, cap));
  const usedPct = percentOf(dec(budget.spentUsd).plus(dec(budget.reservedUsd)), cap);
  const warnAt = Math.min(100, percentOf(dec(budget.limitUsd).times(budget.warnPercent).dividedBy(100), cap));
  const over = usedPct >= 100;
  const warning = !over && usedPct >= warnAt;
  const spentColour = over ? "bg-danger" : warning ? "bg-warning" : "bg-accent";
  const hasExtension = !dec(budget.extensionUsd).isZero();
  return (
    <div className="min-w-0 space-y-1">
      <div className="relative h-2.5 overflow-hidden rounded-full bg-surface-muted" aria-hidden="true">
        <div className={`absolute inset-y-0 left-0 ${spentColour}`} style={{ width: `${spentPct}%` }} />
        <div
          className={`absolute inset-y-0 ${spentColour} opacity-40`}
          style={{ left: `${spentPct}%`, width: `${reservedPct}%` }}
        />
        <div className="absolute inset-y-0 w-0.5 bg-foreground/60" style={{ left: `${warnAt}%` }} />
      </div>
      <p className={`text-xs ${compact ? "" : "sm:text-sm"} text-muted`}>
        <span className="font-medium text-foreground">{formatUsd(budget.spentUsd)}</span> spent
        {dec(budget.reservedUsd).isZero() ? null : <> + {formatUsd(budget.reservedUsd)} reserved</>} of{" "}
        <span className="font-medium text-foreground">{formatUsd(cap)}</span>
        {hasExtension ? <> ({formatUsd(budget.limitUsd)} + {formatUsd(budget.extensionUsd)} extension)</> : null}
        {" · "}
        {usedPct}%
      </p>
    </div>
  );
}
