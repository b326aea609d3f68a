// POST /api/v1/budgets/check (SPEC §5): may this call spend? Every budget in scope is checked
// and, on allow/warn, the estimate is reserved against all of them — in one round trip to the
// database: the SQL function spendline_budget_check (latest version: migration
// budget_check_index_probes, which says why each statement is shaped as it is) finds
// the budgets in scope, locks their period counters ordered by id, releases expired
// reservations, decides and reserves, all in one autocommit statement. The counter locks are held
// only while that statement runs (no ORM transaction, no network round trip in between), so
// parallel checks queue briefly and each decides on what the one before it left: they cannot
// overshoot. Nothing of the budgets is cached here, so a budget edited on another instance
// counts from the next check on.
import { ZodError } from "zod";
import { getDatabase, prisma } from "@/lib/db/client";
import { dec, toCostString, type Decimal } from "@/lib/money";
import type { BudgetDecision } from "@/lib/budgets/decide";
import { issueOverrideToken } from "@/lib/budgets/override-token";
import { budgetCheckSchema } from "@/lib/budgets/schemas";
import type { z } from "zod";
import { AppError } from "../errors";
import { estimateCallCost } from "./estimate";
import { overrideSigningSecret } from "./secret";
import { lockPeriodCounters, releaseExpiredReservations, withRetry } from "./store";

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

interface CheckOutcome {
  decision: BudgetDecision;
  reservation_id: string | null;
  over_budget_ids: string[];
  budgets: { id: string; scope: BudgetCheckFigures["scope"]; scope_key: string; mode: BudgetCheckFigures["mode"]; limit_usd: string; spent_usd: string; reserved_usd: string; cap_usd: string; period_end_ms: number | string }[];
}

const CHECK_SQL = "SELECT spendline_budget_check($1::uuid, $2::text, $3::text, $4::numeric, $5::timestamptz, $6::timestamptz) AS r";

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

  let estimate: Decimal = dec(body.estimated_cost_usd ?? 0);
  if (body.estimated_cost_usd == null && body.estimated_input_tokens != null && body.estimated_output_tokens != null && body.model) {
    const priced = await estimateCallCost({ provider: body.provider ?? null, model: body.model, inputTokens: body.estimated_input_tokens, outputTokens: body.estimated_output_tokens }, now);
    if (!priced) {
      throw new AppError("validation_failed", `No price is known for model "${body.model}"${body.provider ? ` of provider "${body.provider}"` : ""}; send estimated_cost_usd instead.`, { fields: [{ field: "model", message: "unknown model" }] });
    }
    estimate = priced;
  }

  const expiresAt = new Date(now.getTime() + reservationTtlSeconds() * 1000);
  const database = await getDatabase();
  const [{ r: outcome }] = await withRetry(() =>
    database.sql.query<{ r: CheckOutcome }>(CHECK_SQL, [orgId, project, user, estimate.toFixed(), now.toISOString(), expiresAt.toISOString()], "spendline_budget_check"),
  );

  let overrideToken: string | null = null;
  if (outcome.decision === "confirm") {
    overrideToken = issueOverrideToken(await overrideSigningSecret(), { orgId, user, project, budgetIds: outcome.over_budget_ids, keyPrefix: options.apiKeyPrefix ?? null }, now).token;
  }

  return {
    decision: outcome.decision,
    estimateUsd: toCostString(estimate),
    reservationId: outcome.reservation_id,
    reservationExpiresAt: outcome.reservation_id ? expiresAt.toISOString() : null,
    overrideToken,
    budgets: outcome.budgets.map((b) => {
      const remaining = dec(b.cap_usd).minus(b.spent_usd).minus(b.reserved_usd);
      return {
        budgetId: b.id,
        scope: b.scope,
        scopeKey: b.scope === "organization" ? null : b.scope_key,
        limitUsd: toCostString(b.limit_usd),
        spentUsd: toCostString(b.spent_usd),
        reservedUsd: toCostString(b.reserved_usd),
        remainingUsd: toCostString(remaining.isNegative() ? 0 : remaining),
        periodEnd: new Date(Number(b.period_end_ms)).toISOString(),
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
