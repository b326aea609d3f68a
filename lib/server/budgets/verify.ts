// Budget-counter drift (aggregates:verify): for the current period of every active budget, the
// spend counter must equal the sum of the raw events it covers, and the reserved counter the
// sum of the reservations still linked to it, and its next_expiry no later than the earliest of
// those links (else a check would miss their expiry).
import { prisma } from "@/lib/db/client";
import { dec } from "@/lib/money";
import { periodContaining } from "@/lib/budgets/periods";
import { rawSpend, toScopedBudget } from "./store";

/** One line per drifting counter; empty when every counter matches its events. */
export async function verifyBudgetCounters(now = new Date()): Promise<string[]> {
  const db = await prisma();
  const budgets = await db.budget.findMany({ where: { active: true }, include: { organization: { select: { slug: true } } }, orderBy: [{ orgId: "asc" }, { scope: "asc" }, { scopeKey: "asc" }] });
  const lines: string[] = [];
  for (const b of budgets) {
    const budget = toScopedBudget(b);
    const range = periodContaining(budget.period, now);
    const counter = await db.budgetPeriodSpend.findUnique({ where: { budgetId_periodStart: { budgetId: b.id, periodStart: range.start } } });
    const label = `budget ${b.id} (${b.organization.slug}, ${b.scope}${b.scope === "organization" ? "" : ` ${b.scopeKey}`}, ${b.period} from ${range.start.toISOString().slice(0, 10)})`;
    const expected = await rawSpend(db, budget, range);
    const spent = dec(counter?.spentUsd);
    if (!spent.equals(expected)) lines.push(`${label}: spent counter ${spent.toFixed()} != events ${expected.toFixed()}`);
    if (counter) {
      const [linked] = await db.$queryRaw<{ total: string | null; earliest: Date | null }[]>`
        SELECT sum(r.amount_usd)::text AS total, min(rb.expires_at) AS earliest FROM reservation_budgets rb JOIN reservations r ON r.id = rb.reservation_id WHERE rb.budget_period_id = ${counter.id}::uuid`;
      const reserved = dec(counter.reservedUsd);
      const expectedReserved = dec(linked?.total ?? 0);
      if (!reserved.equals(expectedReserved)) lines.push(`${label}: reserved counter ${reserved.toFixed()} != reservations ${expectedReserved.toFixed()}`);
      const earliest = linked?.earliest ? new Date(linked.earliest) : null;
      if (earliest && (!counter.nextExpiry || counter.nextExpiry > earliest)) {
        lines.push(`${label}: next expiry ${counter.nextExpiry?.toISOString() ?? "none"} is later than its earliest reservation's, ${earliest.toISOString()}`);
      }
    }
  }
  return lines;
}
