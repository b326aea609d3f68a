import type { Metadata } from "next";
import { Suspense } from "react";
import type { BudgetWithOrg } from "@/lib/server/budgets";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { BudgetsList } from "@/components/budgets/budgets-list";
import { CreateBudgetForm } from "@/components/budgets/create-budget-form";
import { listBudgetsInScope } from "@/lib/server/budgets";
import { autoResolveBudgetAlerts } from "@/lib/server/alerts-auto-resolve";
import { readableOrgIds } from "@/lib/server/authz";
import { PageBodySkeleton } from "@/components/ui/skeleton";
import { requireOrgScope, type OrgScope } from "@/lib/server/session";

export const metadata: Metadata = { title: "Budgets" };

export default async function BudgetsPage({ searchParams }: { searchParams: Promise<{ org?: string }> }) {
  const { org: slug } = await searchParams;
  // The access check answers 404 before anything streams; the budgets stream in behind a skeleton.
  const scope = await requireOrgScope(slug, "viewer", { allowAll: true, path: "/budgets" });
  return (
    <Suspense
      key={scope.org?.id ?? ""}
      fallback={
        <>
          <PageHeader title="Budgets" />
          <PageBodySkeleton aside={Boolean(scope.org) && scope.role !== "viewer"} label="Loading budgets" />
        </>
      }
    >
      <BudgetsBody scope={scope} />
    </Suspense>
  );
}

async function BudgetsBody({ scope }: { scope: OrgScope }) {
  const { actor, org, role } = scope;
  await autoResolveBudgetAlerts(org ? [org.id] : readableOrgIds(actor, "viewer"));
  if (!org && role === "super_admin") return <AllBudgets budgets={await listBudgetsInScope(actor, null)} />;
  if (!org) {
    return (
      <>
        <PageHeader title="Budgets" />
        <EmptyState title="No organisation yet">Create an organisation first.</EmptyState>
      </>
    );
  }
  const budgets = await listBudgetsInScope(actor, org.id);
  const canManage = role !== "viewer";
  const active = budgets.filter((b) => b.active);
  const inactive = budgets.filter((b) => !b.active);
  return (
    <>
      <PageHeader
        title="Budgets"
        description={`Spending caps of ${org.name} per organisation, project and end user, in calendar periods (UTC, weeks start on Monday). Projections assume the rate so far continues.`}
      />
      <div className={`grid grid-cols-1 gap-6 ${canManage ? "lg:grid-cols-[minmax(0,1fr)_20rem]" : ""}`}>
        <div className="min-w-0 space-y-6">
          <Card title={`${active.length} active budget${active.length === 1 ? "" : "s"}`}>
            {active.length === 0 ? (
              <EmptyState title="No active budgets">
                {canManage ? "Create one to cap spend; checks and alerts follow it at once." : "Owners and admins can create budgets."}
              </EmptyState>
            ) : (
              <BudgetsList budgets={active} />
            )}
          </Card>
          {inactive.length > 0 ? (
            <Card title={`${inactive.length} inactive`}>
              <BudgetsList budgets={inactive} />
            </Card>
          ) : null}
        </div>
        {canManage ? (
          <Card title="Create budget">
            <CreateBudgetForm orgId={org.id} />
          </Card>
        ) : null}
      </div>
    </>
  );
}

/** Super admins without a selected organisation: every organisation's budgets, each named. */
function AllBudgets({ budgets }: { budgets: BudgetWithOrg[] }) {
  const active = budgets.filter((b) => b.active);
  const inactive = budgets.filter((b) => !b.active);
  return (
    <>
      <PageHeader
        title="Budgets"
        description="Every organisation's spending caps, in calendar periods (UTC, weeks start on Monday). Choose an organisation to create one."
      />
      <div className="space-y-6">
        <Card title={`${active.length} active budget${active.length === 1 ? "" : "s"} in all organisations`}>
          {active.length === 0 ? <EmptyState title="No active budgets">Choose an organisation to create one.</EmptyState> : <BudgetsList budgets={active} showOrg />}
        </Card>
        {inactive.length > 0 ? (
          <Card title={`${inactive.length} inactive`}>
            <BudgetsList budgets={inactive} showOrg />
          </Card>
        ) : null}
      </div>
    </>
  );
}
