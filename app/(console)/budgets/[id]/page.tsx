import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { OverridesTable, PeriodHistoryTable } from "@/components/budgets/budget-history";
import { budgetCap, budgetState, formatUsd, formatUtc, limitReachedText, scopeLabel } from "@/components/budgets/budget-format";
import { BudgetActiveToggle, DeleteBudgetButton, EditBudgetForm } from "@/components/budgets/edit-budget-form";
import { OverrideModal } from "@/components/budgets/override-modal";
import { UsageBar } from "@/components/budgets/usage-bar";
import { getBudget, getBudgetDailySpend, type BudgetDetail } from "@/lib/server/budgets";
import { Skeleton } from "@/components/ui/skeleton";
import type { Actor } from "@/lib/server/authz";
import { BudgetSpendChart } from "@/components/budgets/budget-spend-chart";
import { budgetSpendSeries } from "@/lib/budgets/spend-series";
import { dec } from "@/lib/money";
import { canAccessOrg } from "@/lib/server/authz";
import { isAppError } from "@/lib/server/errors";
import { requireOrgScope, requireUser } from "@/lib/server/session";

export const metadata: Metadata = { title: "Budget" };

export default async function BudgetPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ org?: string }> }) {
  const [{ id }, { org: slug }] = await Promise.all([params, searchParams]);
  // With ?org= the budget must belong to that organisation; either way another org's id is a 404.
  const scope = slug ? await requireOrgScope(slug, "viewer") : null;
  const actor = scope?.actor ?? (await requireUser());
  let detail: BudgetDetail;
  try {
    detail = await getBudget(actor, id);
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") notFound();
    throw err;
  }
  const { budget, history, overrides } = detail;
  // Flagged before it happens: projected past the cap while the spend is still under it.
  const projectedOver = budget.active && dec(budget.projectedSpendUsd).greaterThan(budgetCap(budget)) && dec(budget.spentUsd).lessThan(budgetCap(budget));
  if (scope?.org && scope.org.id !== budget.orgId) notFound();
  const canManage = canAccessOrg(actor, budget.orgId, "admin");
  const state = budgetState(budget);
  const orgQuery = slug ? `?org=${encodeURIComponent(slug)}` : "";

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/budgets${orgQuery}`} className="text-accent hover:underline">
          ← All budgets
        </Link>
      </p>
      <PageHeader
        title={scopeLabel(budget)}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <span>
              {budget.period} budget · {budget.mode} limit · warning at {budget.warnPercent}%
            </span>
            <Badge tone={state.tone}>{state.label}</Badge>
          </span>
        }
      />
      <div className={`grid grid-cols-1 gap-6 ${canManage ? "lg:grid-cols-[minmax(0,1fr)_20rem]" : ""}`}>
        <div className="min-w-0 space-y-6">
          <Card title={`Current period: ${budget.periodStart.slice(0, 10)} to ${formatUtc(budget.periodEnd)} UTC`}>
            {projectedOver ? (
              <p role="status" className="mb-3 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm text-warning" data-testid="projected-breach">
                At the current rate this budget is projected to pass its limit before the period ends ({formatUsd(budget.projectedSpendUsd)} projected, limit {formatUsd(budgetCap(budget))}
                {budget.limitReachedAt ? `, reached about ${formatUtc(budget.limitReachedAt)} UTC` : ""}).
              </p>
            ) : null}
            {/* The budget itself is read above (its absence is a 404); only the chart streams. */}
            <Suspense key={budget.id} fallback={<Skeleton className="h-56 w-full" label="Loading the spend chart" />}>
              <SpendChart actor={actor} budget={budget} />
            </Suspense>
            <UsageBar budget={budget} />
            <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3" data-testid="budget-figures">
              <Figure label="Spent" value={formatUsd(budget.spentUsd)} />
              <Figure label="Reserved" value={formatUsd(budget.reservedUsd)} />
              <Figure label="Limit" value={formatUsd(budget.limitUsd)} />
              <Figure label="Extensions in force" value={formatUsd(budget.extensionUsd)} />
              <Figure label="Limit with extensions" value={formatUsd(budgetCap(budget))} testId="budget-cap" />
              <Figure label="Remaining" value={formatUsd(budget.remainingUsd)} testId="budget-remaining" />
              <Figure label="Projected at period end" value={budget.active ? formatUsd(budget.projectedSpendUsd) : "—"} />
              <Figure label="Limit reached at current rate" value={limitReachedText(budget)} />
            </dl>
            {canManage ? (
              <div className="mt-4 border-t border-border pt-4">
                <OverrideModal budget={budget} />
              </div>
            ) : null}
          </Card>
          <Card title="Overrides and extensions">
            {overrides.length === 0 ? (
              <EmptyState title="No overrides yet">Extensions granted here and calls confirmed over a soft limit are listed here.</EmptyState>
            ) : (
              <OverridesTable overrides={overrides} />
            )}
          </Card>
          <Card title="Period history">
            {history.length === 0 ? (
              <EmptyState title="No spend recorded yet" />
            ) : (
              <PeriodHistoryTable history={history} />
            )}
          </Card>
        </div>
        {canManage ? (
          <div className="min-w-0 space-y-6">
            <Card title="Edit budget">
              <EditBudgetForm budget={budget} />
            </Card>
            <Card title={budget.active ? "Deactivate" : "Activate"}>
              <BudgetActiveToggle budget={budget} />
            </Card>
            <Card title="Delete">
              <DeleteBudgetButton budget={budget} orgSlug={slug ?? null} />
            </Card>
          </div>
        ) : null}
      </div>
    </>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="font-medium tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

async function SpendChart({ actor, budget }: { actor: Actor; budget: BudgetDetail["budget"] }) {
  const daily = await getBudgetDailySpend(actor, budget.id);
  if (!daily) return null;
  const lastDay = new Date(Date.parse(budget.periodEnd) - 1).toISOString().slice(0, 10);
  const points = budgetSpendSeries(daily, { from: budget.periodStart.slice(0, 10), lastDay, today: new Date().toISOString().slice(0, 10) }, budget.projectedSpendUsd);
  return <BudgetSpendChart points={points} capUsd={budgetCap(budget).toFixed()} label={`Spend against the limit from ${budget.periodStart.slice(0, 10)} to ${lastDay}, projected to the period end`} />;
}
