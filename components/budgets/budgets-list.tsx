import Link from "next/link";
import { Badge } from "@/components/ui/card";
import { budgetState, formatUsd, formatUtc, limitReachedText, scopeLabel, type BudgetView } from "./budget-format";
import { UsageBar } from "./usage-bar";

/** One row per budget: what it covers, how much of it is used, and where the current rate leads. */
/** With `showOrg`, each budget names its organisation (the super admin's all-organisations list). */
export function BudgetsList({ budgets, showOrg = false }: { budgets: (BudgetView & { orgSlug: string; orgName: string })[]; showOrg?: boolean }) {
  return (
    <ul className="divide-y divide-border" aria-label="Budgets">
      {budgets.map((b) => {
        const state = budgetState(b);
        const projectedBreach = b.active && state.tone !== "danger" && b.limitReachedAt !== null;
        return (
          <li key={b.id} data-testid={`budget-${b.id}`} className="grid grid-cols-1 gap-3 py-4 md:grid-cols-[minmax(0,1fr)_15rem] md:items-center md:gap-6">
            <div className="min-w-0 space-y-2">
              <div>
                {showOrg ? <span className="mr-2 text-sm font-medium text-foreground" data-testid="budget-org">{b.orgName}</span> : null}
                <Link href={`/budgets/${b.id}?org=${encodeURIComponent(b.orgSlug)}`} className="font-medium text-accent underline-offset-2 hover:underline">
                  {scopeLabel(b)}
                </Link>
                <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-muted">
                  <span>{b.period}</span>
                  <span aria-hidden="true">·</span>
                  <span>{b.mode} limit</span>
                  <Badge tone={state.tone}>{state.label}</Badge>
                  {projectedBreach ? <Badge tone="warning">projected to exceed</Badge> : null}
                </div>
              </div>
              <UsageBar budget={b} compact />
            </div>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
              <dt className="text-muted">Period ends</dt>
              <dd>{formatUtc(b.periodEnd)} UTC</dd>
              <dt className="text-muted">Projected</dt>
              <dd>{b.active ? formatUsd(b.projectedSpendUsd) : "—"}</dd>
              <dt className="text-muted">Limit reached</dt>
              <dd>{limitReachedText(b)}</dd>
            </dl>
          </li>
        );
      })}
    </ul>
  );
}
