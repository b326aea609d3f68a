// Budget alerts resolve themselves when their cause is gone (seed 002, SPEC §4):
// - a new period has started since the alert was raised → resolution "auto_resolved";
// - the limit or an extension lifted the budget back under the line it crossed → "cap_increased".
// Run lazily where alerts are read (overview, budgets) and right after a limit change or an
// extension, so no background job is needed. Each resolution is audited.
import { prisma } from "@/lib/db/client";
import { dec } from "@/lib/money";
import { writeAudit } from "./audit";
import type { Actor } from "./authz";
import { budgetSummariesById } from "./budgets/manage";

const RESOLVER: Actor = { kind: "system", label: "spendline (auto-resolve)" };

export type AutoResolution = "auto_resolved" | "cap_increased";

/** The period start day a budget alert belongs to, from its dedupe key `type:budgetId:YYYY-MM-DD`. */
export function alertPeriodDay(dedupeKey: string): string | null {
  const m = /:(\d{4}-\d{2}-\d{2})$/.exec(dedupeKey);
  return m ? m[1] : null;
}

/**
 * Resolves the unresolved budget alerts of the given organisations (null: all) whose cause is gone.
 * Returns how many were resolved, by resolution.
 */
export async function autoResolveBudgetAlerts(orgIds: string[] | null, options: { budgetIds?: string[]; now?: Date } = {}): Promise<Record<AutoResolution, number>> {
  const now = options.now ?? new Date();
  const db = await prisma();
  const alerts = await db.alert.findMany({
    where: {
      type: { in: ["budget_warning", "budget_reached"] },
      status: { not: "resolved" },
      budgetId: options.budgetIds ? { in: options.budgetIds } : { not: null },
      ...(orgIds ? { orgId: { in: orgIds } } : {}),
    },
    select: { id: true, orgId: true, budgetId: true, type: true, dedupeKey: true, status: true },
  });
  const counts: Record<AutoResolution, number> = { auto_resolved: 0, cap_increased: 0 };
  if (alerts.length === 0) return counts;
  const budgets = await budgetSummariesById([...new Set(alerts.map((a) => a.budgetId!))], now);
  for (const a of alerts) {
    const b = budgets.get(a.budgetId!);
    if (!b) continue;
    let resolution: AutoResolution | null = null;
    if (alertPeriodDay(a.dedupeKey) !== b.periodStart.slice(0, 10)) {
      resolution = "auto_resolved";
    } else {
      const cap = dec(b.limitUsd).plus(dec(b.extensionUsd));
      const used = dec(b.spentUsd);
      const line = a.type === "budget_reached" ? cap : cap.times(b.warnPercent).dividedBy(100);
      if (used.lessThan(line)) resolution = "cap_increased";
    }
    if (!resolution) continue;
    const done = await db.$transaction(async (tx) => {
      // Only an alert still unresolved is changed (a person may have resolved it meanwhile).
      const { count } = await tx.alert.updateMany({ where: { id: a.id, status: { not: "resolved" } }, data: { status: "resolved", resolution, resolvedAt: now, resolvedBy: "spendline" } });
      if (count === 0) return false;
      await writeAudit(tx, RESOLVER, { action: "alert.auto_resolve", targetType: "alert", targetId: a.id, orgId: a.orgId, before: { status: a.status }, after: { status: "resolved", resolution } });
      return true;
    });
    if (done) counts[resolution] += 1;
  }
  return counts;
}
