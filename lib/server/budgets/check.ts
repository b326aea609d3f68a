// POST /api/v1/budgets/check (SPEC §5): may this call spend? Every budget in scope is checked
// and, on allow/warn, the estimate is reserved against all of them in one transaction.
//
// Why it cannot overshoot: the transaction locks the period counters of every budget in scope
// (ordered by id, so parallel checks queue instead of deadlocking), releases expired
// reservations, decides on the locked figures and reserves before it commits. A parallel check
// waits for the lock and then sees the reservation.
import { ZodError } from "zod";
import { prisma } from "@/lib/db/client";
import { dec, toCostString, type Decimal } from "@/lib/money";
import { decideBudgets, type BudgetDecision } from "@/lib/budgets/decide";
import { issueOverrideToken } from "@/lib/budgets/override-token";
import { periodContaining } from "@/lib/budgets/periods";
import { budgetCheckSchema } from "@/lib/budgets/schemas";
import type { z } from "zod";
import { AppError } from "../errors";
import { estimateCallCost } from "./estimate";
import { overrideSigningSecret } from "./secret";
import { activeExtensions, budgetsInScopeByKey, counterKey, lockPeriodCounters, releaseExpiredReservations, withRetry } from "./store";

export type BudgetCheckInput = z.input<typeof budgetCheckSchema>;

export interface BudgetCheckFigures {
  budgetId: string;
  scope: "organization" | "project" | "user";
  scopeKey: string | null;
  limitUsd: string;
  spentUsd: string;
  /** Including this check's reservation when it was allowed. */
  reservedUsd: string;
  remainingUsd: string;
  periodEnd: string;
  mode: "soft" | "hard";
}

export interface BudgetCheckResult {
  decision: BudgetDecision;
  estimateUsd: string;
  reservationId: string | null;
  reservationExpiresAt: string | null;
  overrideToken: string | null;
  budgets: BudgetCheckFigures[];
}

export function reservationTtlSeconds(): number {
  const raw = Number(process.env.SPENDLINE_RESERVATION_TTL_SECONDS ?? "");
  return Number.isFinite(raw) && raw > 0 ? raw : 600;
}

function parseCheck(input: BudgetCheckInput) {
  try {
    return budgetCheckSchema.parse(input);
  } catch (err) {
    if (err instanceof ZodError) {
      throw new AppError("validation_failed", err.issues[0]?.message ?? "Invalid budget check.", {
        fields: err.issues.map((i) => ({ field: i.path.join("."), message: i.message })),
      });
    }
    throw err;
  }
}

/**
 * Checks and reserves. `options.apiKeyPrefix` names who asked (recorded as the override's author
 * when a `confirm` token is used).
 */
export async function checkBudget(orgId: string, input: BudgetCheckInput, options: { apiKeyPrefix?: string | null; now?: Date } = {}): Promise<BudgetCheckResult> {
  const body = parseCheck(input);
  const now = options.now ?? new Date();
  const user = body.user ?? null;
  const project = body.project ?? null;
  const db = await prisma();

  let estimate: Decimal = dec(body.estimated_cost_usd ?? 0);
  if (body.estimated_cost_usd == null && body.estimated_input_tokens != null && body.estimated_output_tokens != null && body.model) {
    const priced = await estimateCallCost({ provider: body.provider ?? null, model: body.model, inputTokens: body.estimated_input_tokens, outputTokens: body.estimated_output_tokens }, now);
    if (!priced) {
      throw new AppError("validation_failed", `No price is known for model "${body.model}"${body.provider ? ` of provider "${body.provider}"` : ""}; send estimated_cost_usd instead.`, { fields: [{ field: "model", message: "unknown model" }] });
    }
    estimate = priced;
  }

  const budgets = await budgetsInScopeByKey(db, orgId, { project, user });
  if (budgets.length === 0) {
    return { decision: "allow", estimateUsd: toCostString(estimate), reservationId: null, reservationExpiresAt: null, overrideToken: null, budgets: [] };
  }
  const extensions = await activeExtensions(db, budgets.map((b) => b.id), now);
  const expiresAt = new Date(now.getTime() + reservationTtlSeconds() * 1000);

  const outcome = await withRetry(() =>
    db.$transaction(
      async (tx) => {
        const ranges = budgets.map((b) => periodContaining(b.period, now));
        const locked = await lockPeriodCounters(tx, budgets.map((b, i) => ({ budgetId: b.id, range: ranges[i] })));
        const counters = budgets.map((b, i) => locked.get(counterKey(b.id, ranges[i].start))!);
        await releaseExpiredReservations(tx, counters, now);
        const figures = budgets.map((b, i) => ({
          spent: counters[i].spent,
          reserved: counters[i].reserved,
          extension: extensions.get(b.id) ?? dec(0),
          limit: b.limitUsd,
          mode: b.mode,
          warnPercent: b.warnPercent,
        }));
        const { decision, verdicts } = decideBudgets(figures, estimate);
        let reservationId: string | null = null;
        if (decision === "allow" || decision === "warn") {
          const periodIds = counters.map((c) => c.id);
          const [row] = await tx.$queryRaw<{ id: string }[]>`
            WITH r AS (
              INSERT INTO reservations (org_id, amount_usd, expires_at)
              VALUES (${orgId}::uuid, ${estimate.toFixed()}::numeric, ${expiresAt.toISOString()}::timestamptz)
              RETURNING id
            ), links AS (
              INSERT INTO reservation_budgets (reservation_id, budget_period_id) SELECT r.id, p FROM r, unnest(${periodIds}::uuid[]) AS p
            ), counters AS (
              UPDATE budget_periods SET reserved_usd = reserved_usd + ${estimate.toFixed()}::numeric, updated_at = now() WHERE id = ANY(${periodIds}::uuid[])
            )
            SELECT id FROM r`;
          reservationId = row.id;
          for (const c of counters) c.reserved = c.reserved.plus(estimate);
        }
        return { decision, verdicts, counters, ranges, reservationId };
      },
      { maxWait: 10_000, timeout: 10_000 },
    ),
  );

  let overrideToken: string | null = null;
  if (outcome.decision === "confirm") {
    const overBudgetIds = budgets.filter((_, i) => !outcome.verdicts[i].fits).map((b) => b.id);
    overrideToken = issueOverrideToken(await overrideSigningSecret(), { orgId, user, project, budgetIds: overBudgetIds, keyPrefix: options.apiKeyPrefix ?? null }, now).token;
  }

  return {
    decision: outcome.decision,
    estimateUsd: toCostString(estimate),
    reservationId: outcome.reservationId,
    reservationExpiresAt: outcome.reservationId ? expiresAt.toISOString() : null,
    overrideToken,
    budgets: budgets.map((b, i) => {
      const c = outcome.counters[i];
      const cap = b.limitUsd.plus(extensions.get(b.id) ?? 0);
      const remaining = cap.minus(c.spent).minus(c.reserved);
      return {
        budgetId: b.id,
        scope: b.scope,
        scopeKey: b.scope === "organization" ? null : b.scopeKey,
        limitUsd: toCostString(b.limitUsd),
        spentUsd: toCostString(c.spent),
        reservedUsd: toCostString(c.reserved),
        remainingUsd: toCostString(remaining.isNegative() ? 0 : remaining),
        periodEnd: outcome.ranges[i].end.toISOString(),
        mode: b.mode,
      };
    }),
  };
}

/**
 * Releases every expired reservation (checks and ingest already ignore them; this tidies the
 * counters the console shows and marks the reservations expired). Returns how many it released.
 */
export async function sweepExpiredReservations(now = new Date()): Promise<number> {
  const db = await prisma();
  const due = await db.reservation.findMany({ where: { status: "active", expiresAt: { lte: now } }, select: { id: true }, take: 1000 });
  let released = 0;
  for (const { id } of due) {
    const done = await withRetry(() =>
      db.$transaction(async (tx) => {
        const links = await tx.reservationBudget.findMany({ where: { reservationId: id }, select: { budgetPeriodId: true } });
        const locked = await lockPeriodCounters(tx, [], links.map((l) => l.budgetPeriodId));
        await releaseExpiredReservations(tx, [...locked.values()], now);
        const { count } = await tx.reservation.updateMany({ where: { id, status: "active", expiresAt: { lte: now } }, data: { status: "expired" } });
        return count;
      }),
    );
    released += done;
  }
  return released;
}
