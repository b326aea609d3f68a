// Ingest (SPEC §5/§6): validate and price (ingest/prepare.ts), redact (ingest/record.ts), then
// store events exactly once (ingest/statements.ts, here). The unique key (org_id, event_id)
// decides what is new — INSERT … ON CONFLICT DO NOTHING, never a read-then-write — and the daily
// and monthly roll-ups are added to by the same statement, with INSERT … ON CONFLICT DO UPDATE
// SET x = x + EXCLUDED.x, so concurrent requests never lose an update. Budgets see every new event
// in the same statement or short driver transaction. Three paths, tried in this order: a batch
// that no budget counts (the statement itself checks) is stored by that one statement alone; a
// batch whose budgets only need adding to (every counter exists, none goes over its limit, no
// reservation or token) by one statement that also adds to the counters; any other batch in the
// budget transaction. Each statement that declines writes nothing.
import { getDatabase, type Database } from "@/lib/db/client";
import type { SqlRunner } from "@/lib/db/sql";
import { dec, toCostString } from "@/lib/money";
import { afterSpendCommitted, applySpendBatchInTransaction, NO_BUDGET_EFFECT, type SpendInput, type SpendOutcome } from "./budgets/spend";
import { budgetsFromRows, conflictBackoff, conflictsExhausted, countersByKey, isTransactionConflict, TRANSACTION_ATTEMPTS, type BudgetSqlRow, type CounterRow } from "./budgets/store";
import type { ApiKeyPrincipal } from "./api-keys";
import { CONFLICT_MESSAGE, prepareEvents, rejected, type IngestResult, type PreparedEvent } from "./ingest/prepare";
import { recordsJson, toRecord, type EventRecord } from "./ingest/record";
import { forgetOrganisation, MAX_CACHED_IDS, resolveScopeIds } from "./ingest/scope-ids";
import { INGEST_SQL, INGEST_UNBUDGETED_SQL, INGEST_WITHIN_BUDGETS_SQL, NEEDS_BUDGET_TRANSACTION, STORED_RESULT_SQL } from "./ingest/statements";
import { getPriceIndex } from "./pricing";

export type { IngestResult, IngestStatus } from "./ingest/prepare";
export { INGEST_SQL, INGEST_UNBUDGETED_SQL } from "./ingest/statements";

// ---- transaction with retries ------------------------------------------------------------------

/** The PostgreSQL SQLSTATE of an error, wherever the driver adapter put it. */
export function sqlState(err: unknown, depth = 0): string | null {
  if (!err || typeof err !== "object" || depth > 5) return null;
  const e = err as { code?: unknown; originalCode?: unknown; meta?: { code?: unknown; driverAdapterError?: unknown }; cause?: unknown };
  for (const c of [e.originalCode, e.meta?.code, e.code]) if (typeof c === "string" && /^[0-9A-Z]{5}$/.test(c) && !c.startsWith("P")) return c;
  return sqlState(e.meta?.driverAdapterError, depth + 1) ?? sqlState(e.cause, depth + 1);
}

type StoredResult = { body_hash: string; cost_usd: string | null; priced: boolean; budget_override: boolean; over_budget: boolean };

interface TxOutcome {
  inserted: { prepared: PreparedEvent; record: EventRecord; outcome: SpendOutcome; input: SpendInput }[];
  stored: Map<string, StoredResult>;
}

type Batch = { prepared: PreparedEvent; record: EventRecord }[];
type Query = <T>(sql: string, ...params: unknown[]) => Promise<T[]>;

/** The new events of `batch` (in the order sent: budgets count them in that order) as budgets see them. */
function spendInputs(principal: ApiKeyPrincipal, batch: Batch, rows: { id: bigint | string | number; event_id: string }[]) {
  const rowIds = new Map(rows.map((r) => [r.event_id, BigInt(r.id)]));
  const fresh = batch.filter((b) => rowIds.has(b.record.event_id));
  const inputs = fresh.map(
    (b): SpendInput => ({
      orgId: principal.orgId,
      eventRowId: rowIds.get(b.record.event_id)!,
      eventId: b.record.event_id,
      projectId: b.record.project_id,
      endUserId: b.record.end_user_id,
      occurredAt: b.prepared.occurredAt,
      costUsd: b.prepared.costUsd === null ? null : dec(b.prepared.costUsd),
      reservationId: b.record.reservation_id,
      overrideToken: b.prepared.event.override_token ?? null,
      apiKeyPrefix: principal.prefix,
    }),
  );
  return { fresh, inputs, rowIds };
}

/** The stored results of the events of `batch` that were not new (replays and conflicts). */
async function storedResults(query: Query, principal: ApiKeyPrincipal, batch: Batch, rowIds: Map<string, bigint>): Promise<TxOutcome["stored"]> {
  const stored: TxOutcome["stored"] = new Map();
  if (rowIds.size === batch.length) return stored;
  const others = batch.map((b) => b.record.event_id).filter((id) => !rowIds.has(id));
  for (const e of await query<{ event_id: string } & StoredResult>(STORED_RESULT_SQL, principal.orgId, JSON.stringify(others))) stored.set(e.event_id, e);
  return stored;
}

/** Batches carrying a reservation or an override token always need the budget transaction. */
function mayNeedBudgets(batch: Batch): boolean {
  return batch.some((b) => b.record.reservation_id !== null || b.prepared.event.override_token);
}

// Organisations whose last batch had a budget in scope: their next batches go straight to the
// budget transaction instead of first trying the single statement. Only a choice of path — both
// paths read the budgets in the statement or transaction that inserts — so it can never let a
// counter miss an event; it expires so that an organisation without budgets gets the fast path back.
const budgetedOrgs = new Map<string, number>();
const BUDGETED_HINT_MS = 30_000;

/**
 * Ingest without budgets: one autocommit statement through the driver (no transaction round
 * trips, no ORM). Returns null, having written nothing, when a budget counts the batch.
 */
async function ingestUnbudgeted(sql: SqlRunner, principal: ApiKeyPrincipal, batch: Batch): Promise<TxOutcome | null> {
  const query: Query = (text, ...params) => sql.query(text, params);
  const rows = await sql.query<{ id: string | null; event_id: string | null }>(INGEST_UNBUDGETED_SQL, [principal.orgId, principal.keyId, recordsJson(batch.map((b) => b.record))], "spendline_ingest_unbudgeted");
  if (rows.some((r) => r.id === null)) return null;
  const { fresh, inputs, rowIds } = spendInputs(principal, batch, rows as { id: string; event_id: string }[]);
  const inserted = fresh.map((b, i) => ({ prepared: b.prepared, record: b.record, outcome: { ...NO_BUDGET_EFFECT }, input: inputs[i] }));
  return { inserted, stored: await storedResults(query, principal, batch, rowIds) };
}

// Organisations whose last batch needed the budget transaction although it carried no
// reservation or token (a budget over its limit, or a new period without its counter yet): their
// next batches go straight to it for a while. A choice of path only, like budgetedOrgs.
const transactionOrgs = new Map<string, number>();

/**
 * The budget path's common case as one autocommit statement (INGEST_WITHIN_BUDGETS_SQL): the
 * events, their roll-ups and their budgets' counters, with nothing else to write. Returns null,
 * having written nothing, when the batch needs the budget transaction.
 */
async function ingestWithinBudgets(sql: SqlRunner, principal: ApiKeyPrincipal, batch: Batch): Promise<TxOutcome | null> {
  type Row = { id: string | null; event_id: string | null; budget: BudgetSqlRow | null; counter: CounterRow | null };
  let rows: Row[];
  try {
    rows = await sql.query<Row>(INGEST_WITHIN_BUDGETS_SQL, [principal.orgId, principal.keyId, recordsJson(batch.map((b) => b.record))], "spendline_ingest_within_budgets");
  } catch (err) {
    if (sqlState(err) === NEEDS_BUDGET_TRANSACTION) return null;
    throw err;
  }
  const { fresh, inputs, rowIds } = spendInputs(principal, batch, rows.filter((r): r is Row & { id: string; event_id: string } => r.id !== null));
  // Committed already: this computes the answers and the alert crossings, and writes nothing.
  const outcomes = await applySpendBatchInTransaction(sql, inputs, {
    budgets: budgetsFromRows(rows.flatMap((r) => (r.budget ? [r.budget] : []))),
    added: countersByKey(rows.flatMap((r) => (r.counter ? [r.counter] : []))),
  });
  const query: Query = (text, ...params) => sql.query(text, params);
  const inserted = fresh.map((b, i) => ({ prepared: b.prepared, record: b.record, outcome: outcomes[i], input: inputs[i] }));
  return { inserted, stored: await storedResults(query, principal, batch, rowIds) };
}

/**
 * The budget path: the ingest statement and the budget statements in one short transaction on
 * one connection, through the driver (BEGIN … COMMIT; no ORM interactive transaction). The
 * period counters are locked by the budget statements and held only until COMMIT.
 */
async function runIngestTransaction(sql: SqlRunner, principal: ApiKeyPrincipal, batch: Batch): Promise<TxOutcome> {
  return sql.transaction(async (tx) => {
    const query: Query = (text, ...params) => tx.query(text, params);
    const rows = await tx.query<{ id: string | null; event_id: string | null; budget: BudgetSqlRow | null }>(INGEST_SQL, [principal.orgId, principal.keyId, recordsJson(batch.map((b) => b.record))], "spendline_ingest");
    const { fresh, inputs, rowIds } = spendInputs(principal, batch, rows.filter((r): r is { id: string; event_id: string; budget: null } => r.budget === null));
    // Budgets write the over-budget / override flags onto the event rows themselves (spend.ts contract).
    const outcomes = await applySpendBatchInTransaction(tx, inputs, { budgets: budgetsFromRows(rows.flatMap((r) => (r.budget ? [r.budget] : []))) });
    const inserted = fresh.map((b, i) => ({ prepared: b.prepared, record: b.record, outcome: outcomes[i], input: inputs[i] }));
    return { inserted, stored: await storedResults(query, principal, batch, rowIds) };
  });
}

/**
 * Stores the batch: as one statement when no budget counts it, or when its budgets only need
 * adding to; else in the budget transaction.
 */
async function ingest(database: Database, principal: ApiKeyPrincipal, batch: Batch): Promise<TxOutcome> {
  const orgId = principal.orgId;
  if (!mayNeedBudgets(batch)) {
    if ((budgetedOrgs.get(orgId) ?? 0) < Date.now()) {
      const done = await ingestUnbudgeted(database.sql, principal, batch);
      if (done) return done;
      hint(budgetedOrgs, orgId);
    }
    if ((transactionOrgs.get(orgId) ?? 0) < Date.now()) {
      const done = await ingestWithinBudgets(database.sql, principal, batch);
      if (done) return done;
      hint(transactionOrgs, orgId);
    }
  }
  return runIngestTransaction(database.sql, principal, batch);
}

function hint(orgs: Map<string, number>, orgId: string): void {
  if (orgs.size >= MAX_CACHED_IDS) orgs.clear();
  orgs.set(orgId, Date.now() + BUDGETED_HINT_MS);
}

/**
 * Runs the ingest transaction until it commits: again, after a jittered pause, when the database
 * aborted it for a deadlock or serialization failure (nothing of it was kept), and once more
 * after a cached project or end user turned out to be deleted. Only a committed transaction
 * returns; anything else is an error the caller answers with (503 once conflicts persist).
 */
async function withRetries<T>(principal: ApiKeyPrincipal, fn: () => Promise<T>): Promise<T> {
  let refreshedIds = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (isTransactionConflict(err)) {
        if (attempt >= TRANSACTION_ATTEMPTS) throw conflictsExhausted();
        await conflictBackoff(attempt);
        continue;
      }
      if (sqlState(err) === "23503" && !refreshedIds) {
        refreshedIds = true;
        forgetOrganisation(principal.orgId);
        continue;
      }
      throw err;
    }
  }
}

// ---- entry points ----------------------------------------------------------------------------

/**
 * Records a batch of raw events for the key's organisation. Invalid events are rejected one by
 * one (valid siblings still land); all valid events are committed together, or none is (503).
 */
export async function recordUsageBatch(principal: ApiKeyPrincipal, rawEvents: unknown[], now: Date = new Date()): Promise<IngestResult[]> {
  const results: (IngestResult | null)[] = new Array(rawEvents.length).fill(null);

  const { prepared, repeats } = prepareEvents(principal, rawEvents, now, await getPriceIndex(), results);

  if (prepared.length > 0) {
    const records = prepared.map(toRecord);
    const outcome = await withRetries(principal, async () => {
      const database = await getDatabase();
      const ids = await resolveScopeIds(database.prisma, principal, prepared);
      records.forEach((r, i) => {
        r.project_id = ids.projectId[i];
        r.end_user_id = ids.endUserId[i];
      });
      return ingest(database, principal, prepared.map((p, i) => ({ prepared: p, record: records[i] })));
    });
    for (const ins of outcome.inserted) {
      results[ins.prepared.index] = {
        event_id: ins.record.event_id,
        status: "created",
        cost_usd: ins.prepared.costUsd,
        priced: ins.prepared.costUsd !== null,
        budget_override: ins.outcome.budgetOverride,
        over_budget: ins.outcome.overBudget,
      };
    }
    for (const p of prepared) {
      if (results[p.index]) continue;
      const stored = outcome.stored.get(p.event.event_id);
      if (stored && stored.body_hash === p.event.bodyHash) {
        results[p.index] = {
          event_id: p.event.event_id,
          status: "duplicate",
          cost_usd: stored.cost_usd === null ? null : toCostString(stored.cost_usd),
          priced: stored.priced,
          budget_override: stored.budget_override,
          over_budget: stored.over_budget,
        };
      } else {
        results[p.index] = rejected(p.event.event_id, { code: "conflict", message: CONFLICT_MESSAGE });
      }
    }
    if (outcome.inserted.length > 0) {
      try {
        await afterSpendCommitted(outcome.inserted.map((i) => ({ input: i.input, outcome: i.outcome })));
      } catch (err) {
        // The events are committed; a failed follow-up (alert, webhook) must not turn them into an error.
        console.error("afterSpendCommitted failed:", err instanceof Error ? err.message : String(err));
      }
    }
  }

  for (const r of repeats) {
    const original = results[r.of]!;
    results[r.index] = original.status === "rejected" ? original : { ...original, status: "duplicate" };
  }
  return results as IngestResult[];
}

/** Records one raw event; see recordUsageBatch. */
export async function recordUsage(principal: ApiKeyPrincipal, rawEvent: unknown, now: Date = new Date()): Promise<IngestResult> {
  return (await recordUsageBatch(principal, [rawEvent], now))[0];
}
