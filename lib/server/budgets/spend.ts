// Contract between ingest and budgets. Ingest calls applySpendInTransaction inside the
// transaction that inserted a NEW usage event (never for duplicates), then, after commit,
// afterSpendCommitted with the outcomes as returned (alerts, webhooks: outside the ingest
// transaction, in the background, so they can neither slow nor fail ingest).
//
// applySpendInTransaction adds the event's cost to the counter of every active budget in scope
// for the period containing the event, settles the reservation it carries, redeems its override
// token, and writes the resulting flags onto the event row itself (so a second event with the
// same token, in the same transaction or a concurrent one, sees the token as used).
import type { Prisma as PrismaNs } from "@/lib/generated/prisma/client";
import { dec, type Decimal } from "@/lib/money";
import { overrideTokenMatches, readOverrideToken } from "@/lib/budgets/override-token";
import { periodContaining } from "@/lib/budgets/periods";
import { warningThreshold } from "@/lib/budgets/decide";
import { writeAudit } from "../audit";
import { evaluateSpendAlerts } from "../alerts";
import { runInBackground } from "./background";
import { overrideSigningSecretInTransaction } from "./secret";
import { activeExtensions, budgetsInScopeById, counterKey, lockPeriodCounters } from "./store";

export interface SpendInput {
  orgId: string;
  eventRowId: bigint;
  eventId: string;
  projectId: string | null;
  endUserId: string | null;
  occurredAt: Date;
  /** Computed cost; null when the model is unpriced. */
  costUsd: Decimal | null;
  reservationId: string | null;
  overrideToken: string | null;
}

/** A budget whose spend is at or above its warning threshold after an event (alerts). */
export interface BudgetCrossing {
  budgetId: string;
  scope: "organization" | "project" | "user";
  scopeKey: string | null;
  mode: "soft" | "hard";
  periodStart: Date;
  periodEnd: Date;
  limitUsd: Decimal;
  spentUsd: Decimal;
  warnPercent: number;
  /** spent ≥ limit (the limit as set, extensions aside). */
  reached: boolean;
}

export interface SpendOutcome {
  overBudget: boolean;
  budgetOverride: boolean;
  overrideBy: string | null;
  overrideTokenId: string | null;
  /** Budgets at or over their warning threshold after this event. */
  crossings?: BudgetCrossing[];
}

export const NO_BUDGET_EFFECT: SpendOutcome = { overBudget: false, budgetOverride: false, overrideBy: null, overrideTokenId: null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function redeemOverrideToken(tx: PrismaNs.TransactionClient, input: SpendInput, token: string): Promise<{ by: string; tokenId: string } | null> {
  const secret = await overrideSigningSecretInTransaction(tx);
  const claims = secret ? readOverrideToken(secret, token) : null;
  if (!claims) return null;
  const [project, user] = await Promise.all([
    input.projectId ? tx.project.findUnique({ where: { id: input.projectId }, select: { key: true } }) : null,
    input.endUserId ? tx.endUser.findUnique({ where: { id: input.endUserId }, select: { externalId: true } }) : null,
  ]);
  if (!overrideTokenMatches(claims, { orgId: input.orgId, user: user?.externalId ?? null, project: project?.key ?? null })) return null;
  // Serialises redemptions of one token: the second waits until the first commits, then sees it used.
  await tx.$queryRaw`SELECT count(*)::int AS n FROM (SELECT pg_advisory_xact_lock(hashtextextended(${claims.jti}, 0))) AS l`;
  const used = await tx.usageEvent.findFirst({ where: { overrideTokenId: claims.jti }, select: { id: true } });
  if (used) return null;
  const by = claims.user ? `user:${claims.user}` : claims.keyPrefix ? `api_key:${claims.keyPrefix}` : "api";
  const budgets = await tx.budget.findMany({ where: { id: { in: claims.budgetIds }, orgId: input.orgId }, select: { id: true } });
  const overrideRows = budgets.length ? budgets.map((b) => ({ budgetId: b.id })) : [{ budgetId: null }];
  await tx.budgetOverride.createMany({
    data: overrideRows.map((r) => ({ orgId: input.orgId, budgetId: r.budgetId, kind: "confirmation" as const, reason: "Call confirmed with an override token", grantedBy: by, eventId: input.eventRowId.toString() })),
  });
  await writeAudit(tx, { kind: "system", label: by }, { action: "budget.override.confirm", targetType: "usage_event", targetId: input.eventRowId.toString(), orgId: input.orgId, after: { tokenId: claims.jti, eventId: input.eventId, budgetIds: budgets.map((b) => b.id) } });
  return { by, tokenId: claims.jti };
}

export async function applySpendInTransaction(tx: PrismaNs.TransactionClient, input: SpendInput): Promise<SpendOutcome> {
  const cost = input.costUsd && input.costUsd.greaterThan(0) ? input.costUsd : dec(0);
  const reservationId = input.reservationId && UUID.test(input.reservationId) ? input.reservationId : null;
  const budgets = await budgetsInScopeById(tx, input.orgId, { projectId: input.projectId, endUserId: input.endUserId });
  const links = reservationId
    ? await tx.$queryRaw<{ period_id: string }[]>`
        SELECT rb.budget_period_id AS period_id FROM reservation_budgets rb JOIN reservations r ON r.id = rb.reservation_id
        WHERE r.id = ${reservationId}::uuid AND r.org_id = ${input.orgId}::uuid`
    : [];

  const outcome: SpendOutcome = { ...NO_BUDGET_EFFECT };
  if (budgets.length > 0 || links.length > 0) {
    const ranges = budgets.map((b) => periodContaining(b.period, input.occurredAt));
    const locked = await lockPeriodCounters(tx, budgets.map((b, i) => ({ budgetId: b.id, range: ranges[i] })), links.map((l) => l.period_id));
    const delta = new Map<string, { add: Decimal; release: Decimal }>();
    const entry = (id: string) => {
      let d = delta.get(id);
      if (!d) delta.set(id, (d = { add: dec(0), release: dec(0) }));
      return d;
    };
    if (links.length > 0) {
      // The actual cost replaces the estimate: the reservation is released from every counter it held.
      const released = await tx.$queryRaw<{ period_id: string; amount: string }[]>`
        DELETE FROM reservation_budgets rb USING reservations r
        WHERE rb.reservation_id = r.id AND r.id = ${reservationId}::uuid
        RETURNING rb.budget_period_id AS period_id, r.amount_usd::text AS amount`;
      for (const r of released) entry(r.period_id).release = dec(r.amount);
    }
    const scopeCounters = budgets.map((b, i) => locked.get(counterKey(b.id, ranges[i].start))!);
    if (cost.greaterThan(0)) for (const c of scopeCounters) entry(c.id).add = cost;
    const changes = [...delta.entries()].filter(([, d]) => !d.add.isZero() || !d.release.isZero());
    if (changes.length > 0) {
      await tx.$executeRaw`
        UPDATE budget_periods bp SET spent_usd = bp.spent_usd + v.add, reserved_usd = bp.reserved_usd - v.release, updated_at = now()
        FROM unnest(${changes.map(([id]) => id)}::uuid[], ${changes.map(([, d]) => d.add.toFixed())}::numeric[], ${changes.map(([, d]) => d.release.toFixed())}::numeric[]) AS v(id, add, release)
        WHERE bp.id = v.id`;
    }
    if (cost.greaterThan(0)) {
      const spentAfter = scopeCounters.map((c) => c.spent.plus(cost));
      const overLimit = budgets.filter((b, i) => spentAfter[i].greaterThan(b.limitUsd));
      if (overLimit.length > 0) {
        const extensions = await activeExtensions(tx, overLimit.map((b) => b.id), new Date());
        outcome.overBudget = budgets.some((b, i) => spentAfter[i].greaterThan(b.limitUsd.plus(extensions.get(b.id) ?? 0)));
      }
      const crossings = budgets.flatMap((b, i): BudgetCrossing[] =>
        spentAfter[i].greaterThanOrEqualTo(warningThreshold(b.limitUsd, b.warnPercent))
          ? [{ budgetId: b.id, scope: b.scope, scopeKey: b.scope === "organization" ? null : b.scopeKey, mode: b.mode, periodStart: ranges[i].start, periodEnd: ranges[i].end, limitUsd: b.limitUsd, spentUsd: spentAfter[i], warnPercent: b.warnPercent, reached: spentAfter[i].greaterThanOrEqualTo(b.limitUsd) }]
          : [],
      );
      if (crossings.length > 0) outcome.crossings = crossings;
    }
  }
  if (reservationId) {
    await tx.reservation.updateMany({ where: { id: reservationId, orgId: input.orgId, status: "active" }, data: { status: "settled", settledAt: new Date(), eventId: input.eventRowId.toString() } });
  }
  if (input.overrideToken) {
    const redeemed = await redeemOverrideToken(tx, input, input.overrideToken);
    if (redeemed) {
      outcome.budgetOverride = true;
      outcome.overrideBy = redeemed.by;
      outcome.overrideTokenId = redeemed.tokenId;
    }
  }
  if (outcome.overBudget || outcome.budgetOverride) {
    await tx.usageEvent.update({
      where: { id: input.eventRowId },
      data: { overBudget: outcome.overBudget, budgetOverride: outcome.budgetOverride, overrideBy: outcome.overrideBy, overrideTokenId: outcome.overrideTokenId },
    });
  }
  return outcome;
}

/** Raises alerts and sends webhooks for committed events, in the background; returns at once. */
export async function afterSpendCommitted(items: { input: SpendInput; outcome: SpendOutcome }[]): Promise<void> {
  if (items.length === 0) return;
  runInBackground("budget alerts", () => evaluateSpendAlerts(items));
}
