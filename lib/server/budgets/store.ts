// SQL shared by checks, ingest and the console: period counters, their locks, reservations.
//
// Locking rule (it is what keeps parallel checks from overshooting and keeps transactions
// free of deadlocks): a transaction first locks every budget_periods row it will touch, all
// at once and ordered by id, and only then deletes reservation links or changes reservation
// rows. Reservation links are only ever deleted by a transaction holding the link's period row.
import { Prisma, type Prisma as PrismaNs } from "@/lib/generated/prisma/client";
import { dec, type Decimal } from "@/lib/money";
import { periodContaining, type BudgetPeriodKind, type PeriodRange } from "@/lib/budgets/periods";
import { AppError } from "../errors";

export type Tx = PrismaNs.TransactionClient;

/** Raw SQL on one transaction: the driver's (ingest's hot path) or a Prisma transaction's. */
export interface Sql {
  /** `name`: a prepared statement on the driver (see SqlRunner.query); ignored on a Prisma transaction. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<T[]>;
}

/** The raw-SQL view of a Prisma transaction, or the runner itself. */
export function asSql(db: Sql | Tx): Sql {
  if (!("$queryRawUnsafe" in db)) return db;
  const tx = db;
  return { query: <T>(text: string, params: unknown[] = []) => tx.$queryRawUnsafe<T[]>(text, ...params) };
}

export interface ScopedBudget {
  id: string;
  orgId: string;
  scope: "organization" | "project" | "user";
  scopeKey: string;
  projectId: string | null;
  endUserId: string | null;
  period: BudgetPeriodKind;
  limitUsd: Decimal;
  warnPercent: number;
  mode: "soft" | "hard";
}

export interface PeriodCounter {
  id: string;
  budgetId: string;
  periodStart: Date;
  periodEnd: Date;
  spent: Decimal;
  reserved: Decimal;
}

type BudgetRecord = {
  id: string;
  orgId: string;
  scope: ScopedBudget["scope"];
  scopeKey: string;
  projectId: string | null;
  endUserId: string | null;
  period: BudgetPeriodKind;
  limitUsd: { toString(): string };
  warnPercent: number;
  mode: ScopedBudget["mode"];
};

export function toScopedBudget(b: BudgetRecord): ScopedBudget {
  return {
    id: b.id,
    orgId: b.orgId,
    scope: b.scope,
    scopeKey: b.scopeKey,
    projectId: b.projectId,
    endUserId: b.endUserId,
    period: b.period,
    limitUsd: dec(b.limitUsd),
    warnPercent: b.warnPercent,
    mode: b.mode,
  };
}

const SCOPE_ORDER = { organization: 0, project: 1, user: 2 } as const;

export function byScope<T extends { scope: ScopedBudget["scope"] }>(a: T, b: T): number {
  return SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope];
}

const BUDGET_COLUMNS = `id, org_id, scope::text AS scope, scope_key, project_id, end_user_id, period::text AS period,
       limit_usd::text AS limit_usd, warn_percent, mode::text AS mode`;

// The active budgets that any event of a batch counts against: the organisation's, and those
// of the batch's projects and end users (matched to each event in memory).
const BUDGETS_IN_SCOPE_SQL = `
SELECT ${BUDGET_COLUMNS}
FROM budgets
WHERE org_id = $1::uuid AND active
  AND (scope = 'organization' OR (scope = 'project' AND project_id = ANY($2::uuid[])) OR (scope = 'user' AND end_user_id = ANY($3::uuid[])))`;

/** The scope rule of BUDGETS_IN_SCOPE_SQL over a relation `events` (project_id, end_user_id) of priced events. */
function countsAnyOf(events: string): string {
  return `((b.scope = 'organization' AND EXISTS (SELECT 1 FROM ${events}))
      OR (b.scope = 'project' AND b.project_id IN (SELECT project_id FROM ${events}))
      OR (b.scope = 'user' AND b.end_user_id IN (SELECT end_user_id FROM ${events})))`;
}

/**
 * SQL for "an active budget of organisation `org` counts some event of `events`" (the name of a
 * relation with project_id and end_user_id columns holding the events whose cost is above zero),
 * for ingest's single-statement path.
 */
export function budgetCountsAnyEventSql(org: string, events: string): string {
  return `EXISTS (SELECT 1 FROM budgets b WHERE b.org_id = ${org} AND b.active AND ${countsAnyOf(events)})`;
}

/**
 * SQL for the same budgets as rows (budgetsFromRows reads them): the ingest statement of the
 * budget transaction returns them beside the new events, which saves the transaction a round trip.
 */
export function budgetsCountingEventsSql(org: string, events: string): string {
  return `SELECT ${BUDGET_COLUMNS} FROM budgets b WHERE b.org_id = ${org} AND b.active AND ${countsAnyOf(events)}`;
}

export type BudgetSqlRow = {
  id: string;
  org_id: string;
  scope: ScopedBudget["scope"];
  scope_key: string;
  project_id: string | null;
  end_user_id: string | null;
  period: BudgetPeriodKind;
  limit_usd: string;
  warn_percent: number;
  mode: ScopedBudget["mode"];
};

/** Budgets read by BUDGETS_IN_SCOPE_SQL or budgetsCountingEventsSql, organisation's first. */
export function budgetsFromRows(rows: BudgetSqlRow[]): ScopedBudget[] {
  return rows
    .map((r) => toScopedBudget({ id: r.id, orgId: r.org_id, scope: r.scope, scopeKey: r.scope_key, projectId: r.project_id, endUserId: r.end_user_id, period: r.period, limitUsd: r.limit_usd, warnPercent: Number(r.warn_percent), mode: r.mode }))
    .sort(byScope);
}

export async function budgetsInScopeOfEvents(db: Sql | Tx, orgId: string, scope: { projectIds: string[]; endUserIds: string[] }): Promise<ScopedBudget[]> {
  return budgetsFromRows(await asSql(db).query<BudgetSqlRow>(BUDGETS_IN_SCOPE_SQL, [orgId, scope.projectIds, scope.endUserIds], "spendline_budgets_in_scope"));
}

export function currentPeriod(budget: Pick<ScopedBudget, "period">, at: Date): PeriodRange {
  return periodContaining(budget.period, at);
}

/** A counter as the counter statements answer it (timestamps as values, or as JSON text). */
export type CounterRow = { id: string; budget_id: string; period_start: Date | string; period_end: Date | string; spent_usd: unknown; reserved_usd: unknown };

function toCounter(r: CounterRow): PeriodCounter {
  return {
    id: r.id,
    budgetId: r.budget_id,
    periodStart: new Date(r.period_start),
    periodEnd: new Date(r.period_end),
    spent: dec(r.spent_usd as string),
    reserved: dec(r.reserved_usd as string),
  };
}

export function counterKey(budgetId: string, periodStart: Date): string {
  return `${budgetId}@${periodStart.getTime()}`;
}

/** Counter rows keyed by counterKey(). */
export function countersByKey(rows: CounterRow[]): Map<string, PeriodCounter> {
  const out = new Map<string, PeriodCounter>();
  for (const r of rows) {
    const c = toCounter(r);
    out.set(counterKey(c.budgetId, c.periodStart), c);
  }
  return out;
}

/**
 * Creates the missing period counters of `targets` and locks them, plus the rows `extraIds`,
 * in id order. Returns every locked counter keyed by counterKey().
 */
export async function lockPeriodCounters(db: Sql | Tx, targets: { budgetId: string; range: PeriodRange }[], extraIds: string[] = []): Promise<Map<string, PeriodCounter>> {
  const sql = asSql(db);
  // Inserts go in (budget id, period) order so that two transactions creating the same new rows
  // queue behind each other instead of each holding one.
  const sorted = [...targets].sort((a, b) => (a.budgetId < b.budgetId ? -1 : a.budgetId > b.budgetId ? 1 : a.range.start.getTime() - b.range.start.getTime()));
  const ids = sorted.map((t) => t.budgetId);
  const starts = sorted.map((t) => t.range.start.toISOString());
  const ends = sorted.map((t) => t.range.end.toISOString());
  if (sorted.length > 0) {
    await sql.query(
      `INSERT INTO budget_periods (budget_id, period_start, period_end)
       SELECT b, s, e FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS t(b, s, e)
       WHERE NOT EXISTS (SELECT 1 FROM budget_periods bp WHERE bp.budget_id = t.b AND bp.period_start = t.s)
       ON CONFLICT (budget_id, period_start) DO NOTHING`,
      [ids, starts, ends],
    );
  }
  const rows = await sql.query<CounterRow>(
    `SELECT id::text AS id, budget_id::text AS budget_id, period_start, period_end, spent_usd::text AS spent_usd, reserved_usd::text AS reserved_usd
     FROM budget_periods
     WHERE (budget_id, period_start) IN (SELECT b, s FROM unnest($1::uuid[], $2::timestamptz[]) AS t(b, s))
        OR id = ANY($3::uuid[])
     ORDER BY id
     FOR UPDATE`,
    [ids, starts, extraIds],
  );
  return countersByKey(rows);
}

// The statement is the SQL function spendline_lock_and_add_spend (migration
// lock_and_add_spend_function): it locks the counters in id order and adds, with a generic plan.
const LOCK_AND_ADD_SQL = "SELECT id, budget_id, period_start, period_end, spent_usd, reserved_usd FROM spendline_lock_and_add_spend($1::uuid[], $2::timestamptz[], $3::numeric[])";

/**
 * Locks the period counters of `targets` in id order and adds each target's `add` to its spend,
 * in one statement (creating missing counters first when a period has none yet). Returns the
 * counters keyed by counterKey(), with `spent` as it was BEFORE the addition.
 */
export async function lockAndAddSpend(db: Sql | Tx, targets: { budgetId: string; range: PeriodRange; add: Decimal }[]): Promise<Map<string, PeriodCounter>> {
  const sql = asSql(db);
  const out = new Map<string, PeriodCounter>();
  const run = async (list: typeof targets) => {
    const rows = await sql.query<CounterRow>(LOCK_AND_ADD_SQL, [list.map((t) => t.budgetId), list.map((t) => t.range.start.toISOString()), list.map((t) => t.add.toFixed())], "spendline_lock_and_add_spend");
    for (const r of rows) {
      const c = toCounter(r);
      out.set(counterKey(c.budgetId, c.periodStart), c);
    }
  };
  await run(targets);
  const missing = targets.filter((t) => !out.has(counterKey(t.budgetId, t.range.start)));
  if (missing.length > 0) {
    // The first event of a period: create its counters (in budget order), then lock and add.
    await lockPeriodCounters(sql, missing.map((t) => ({ budgetId: t.budgetId, range: t.range })));
    await run(missing);
  }
  return out;
}

/**
 * Releases reservations that have expired from the given (locked) counters, so that an
 * expired reservation stops counting without any background job. Updates `counters` in place.
 */
export async function releaseExpiredReservations(db: Sql | Tx, counters: PeriodCounter[], now: Date): Promise<void> {
  if (counters.length === 0) return;
  const ids = counters.map((c) => c.id);
  // The links by the expiry index, each one's reservation by its key (LATERAL, OFFSET 0): joined
  // in one step, PostgreSQL hashed every reservation of the instance when its statistics promised
  // many expired links (migration budget_check_release_by_key).
  const released = await asSql(db).query<{ id: string; reserved_usd: string }>(
    `WITH gone AS (
      DELETE FROM reservation_budgets rb
      WHERE rb.budget_period_id = ANY($1::uuid[]) AND rb.expires_at <= $2::timestamptz
      RETURNING rb.budget_period_id AS period_id, rb.reservation_id
    ), totals AS (
      SELECT g.period_id, sum(r.amount_usd) AS amount
      FROM gone g CROSS JOIN LATERAL (SELECT r.amount_usd FROM reservations r WHERE r.id = g.reservation_id OFFSET 0) r
      GROUP BY g.period_id
    )
    UPDATE budget_periods bp SET reserved_usd = bp.reserved_usd - t.amount, updated_at = now()
    FROM totals t WHERE bp.id = ANY($1::uuid[]) AND bp.id = t.period_id
    RETURNING bp.id::text AS id, bp.reserved_usd::text AS reserved_usd`,
    [ids, now.toISOString()],
  );
  for (const r of released) {
    const c = counters.find((x) => x.id === r.id);
    if (c) c.reserved = dec(r.reserved_usd);
  }
}

/** Extensions in force at `at`, summed per budget. */
export async function activeExtensions(db: Sql | Tx, budgetIds: string[], at: Date): Promise<Map<string, Decimal>> {
  const out = new Map<string, Decimal>();
  if (budgetIds.length === 0) return out;
  const rows = await asSql(db).query<{ budget_id: string; total: string }>(
    `SELECT budget_id::text AS budget_id, sum(amount_usd)::text AS total FROM budget_overrides
     WHERE budget_id = ANY($1::uuid[]) AND kind = 'extension' AND created_at <= $2::timestamptz AND (valid_until IS NULL OR valid_until > $2::timestamptz)
     GROUP BY budget_id`,
    [budgetIds, at.toISOString()],
  );
  for (const r of rows) out.set(r.budget_id, dec(r.total ?? "0"));
  return out;
}

/** Sum of raw event costs a budget counts for one period (what its counter must equal). */
export async function rawSpend(tx: Tx, budget: Pick<ScopedBudget, "orgId" | "scope" | "projectId" | "endUserId">, range: PeriodRange): Promise<Decimal> {
  const scopeFilter =
    budget.scope === "project"
      ? Prisma.sql`AND project_id = ${budget.projectId}::uuid`
      : budget.scope === "user"
        ? Prisma.sql`AND end_user_id = ${budget.endUserId}::uuid`
        : Prisma.empty;
  const [row] = await tx.$queryRaw<{ total: string | null }[]>`
    SELECT sum(cost_usd)::text AS total FROM usage_events
    WHERE org_id = ${budget.orgId}::uuid AND occurred_at >= ${range.start.toISOString()}::timestamptz AND occurred_at < ${range.end.toISOString()}::timestamptz ${scopeFilter}`;
  return dec(row?.total ?? "0");
}

// Deadlock (40P01) and serialization failure (40001), which Prisma reports as P2034: PostgreSQL
// rolled the whole transaction back, so running it again is safe.
const TRANSACTION_CONFLICTS = new Set(["P2034", "40P01", "40001"]);

/** True when the database aborted a transaction because it collided with another one. */
export function isTransactionConflict(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 5) return false;
  const e = err as { code?: unknown; originalCode?: unknown; cause?: unknown; meta?: { code?: unknown; driverAdapterError?: unknown } };
  for (const c of [e.code, e.originalCode, e.meta?.code]) if (typeof c === "string" && TRANSACTION_CONFLICTS.has(c)) return true;
  return isTransactionConflict(e.meta?.driverAdapterError, depth + 1) || isTransactionConflict(e.cause, depth + 1);
}

export const TRANSACTION_ATTEMPTS = 5;

/** Waits before the next attempt: exponential with full jitter, so the colliding transactions spread out. */
export function conflictBackoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(250, 10 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a caller hears when every attempt collided: 503, nothing stored, retry later. */
export function conflictsExhausted(): AppError {
  return new AppError("database_unavailable", "The database is busy (repeated lock conflicts); nothing was stored. Retry later.");
}

/** Runs a transaction again when the database aborted it for a deadlock or serialization failure. */
export async function withRetry<T>(fn: () => Promise<T>, attempts = TRANSACTION_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransactionConflict(err)) throw err;
      if (attempt >= attempts) throw conflictsExhausted();
      await conflictBackoff(attempt);
    }
  }
}
