// Ingest, store: the statement that inserts a batch's new events exactly once and adds them to the
// daily and monthly roll-ups (SPEC §6 exactly once, no lost updates). Columns are listed once
// here (RECORD_COLUMNS and the INSERT) beside lib/server/ingest/record.ts.
import { budgetCountsAnyEventSql, budgetsCountingEventsSql } from "../budgets/store";

const RECORD_COLUMNS = `
  event_id text, body_hash text, occurred_at timestamptz, day date, month date,
  project_id uuid, project_key text, end_user_id uuid, user_key text, document_ref text,
  category text, purpose_detail text, provider text, model text, service_tier text,
  input_uncached_tokens bigint, cache_read_tokens bigint, cache_write_tokens bigint, cache_write_1h_tokens bigint,
  output_tokens bigint, reasoning_tokens bigint, duration_ms int, success boolean, error text, prompt text, response text,
  redaction_summary jsonb, redaction_summary_without_content jsonb, metadata jsonb, raw_usage jsonb, cost_usd numeric, priced boolean,
  price_id uuid, client_cost_usd numeric, reservation_id uuid`;

const ROLLUP_COLUMNS = `requests, successes, failures, unpriced_requests, input_uncached_tokens, cache_read_tokens,
  cache_write_tokens, output_tokens, reasoning_tokens, cost_usd, duration_ms`;

const ROLLUP_AGGREGATES = `count(*), count(*) FILTER (WHERE s.success), count(*) FILTER (WHERE NOT s.success),
  count(*) FILTER (WHERE NOT s.priced), sum(s.input_uncached_tokens), sum(s.cache_read_tokens),
  sum(s.cache_write_tokens), sum(s.output_tokens), sum(s.reasoning_tokens), COALESCE(sum(s.cost_usd), 0),
  COALESCE(sum(s.duration_ms), 0)`;

const ROLLUP_DIMS = `s.project_key, s.user_key, COALESCE(s.category, ''), COALESCE(s.provider, ''), COALESCE(s.model, '')`;

function rollupUpdate(alias: string): string {
  return ROLLUP_COLUMNS.split(",")
    .map((c) => c.trim())
    .map((c) => `${c} = ${alias}.${c} + EXCLUDED.${c}`)
    .join(", ");
}

function rollupUpsert(table: "daily_rollups" | "monthly_rollups", period: "day" | "month", returning: boolean): string {
  return `INSERT INTO ${table} AS r (${period}, org_id, project_key, user_external_id, category, provider, model, ${ROLLUP_COLUMNS})
    SELECT s.${period}, $1::uuid, ${ROLLUP_DIMS}, ${ROLLUP_AGGREGATES}
    FROM ins JOIN src s ON s.event_id = ins.event_id
    GROUP BY s.${period}, ${ROLLUP_DIMS}
    ORDER BY s.${period}, ${ROLLUP_DIMS}
    ON CONFLICT (${period}, org_id, project_key, user_external_id, category, provider, model)
    DO UPDATE SET ${rollupUpdate("r")}${returning ? "\n    RETURNING 1" : ""}`;
}

/**
 * The counters of the new priced events' budgets, locked and added to by the function of
 * store.ts lockAndAddSpend, after the roll-ups (its first argument waits for both), so that this
 * statement takes the roll-up rows before the counters, as the budget transaction does; then the
 * guard (migration ingest_spend_guard), which undoes the whole statement unless every counter
 * existed and none ends above its budget's limit.
 */
const WITHIN_BUDGETS_CTES = `, new_spend AS (
  SELECT s.project_id, s.end_user_id, s.occurred_at, s.cost_usd FROM ins JOIN src s ON s.event_id = ins.event_id WHERE s.cost_usd > 0
), targets AS (
  -- One join per scope (equality joins; an OR of the three made 1,000 events x 201 budgets a nested loop).
  SELECT budget_id, spendline_period_start(period, occurred_at) AS period_start, sum(cost_usd) AS add
  FROM (
    SELECT b.id AS budget_id, b.period, e.occurred_at, e.cost_usd FROM new_spend e JOIN scoped b ON b.scope = 'organization'
    UNION ALL SELECT b.id, b.period, e.occurred_at, e.cost_usd FROM new_spend e JOIN scoped b ON b.scope = 'project' AND b.project_id = e.project_id
    UNION ALL SELECT b.id, b.period, e.occurred_at, e.cost_usd FROM new_spend e JOIN scoped b ON b.scope = 'user' AND b.end_user_id = e.end_user_id
  ) AS per_budget
  GROUP BY 1, 2
), counters AS (
  SELECT * FROM spendline_lock_and_add_spend(
    ARRAY(SELECT budget_id FROM targets WHERE (SELECT count(*) FROM daily) >= 0 AND (SELECT count(*) FROM monthly) >= 0 ORDER BY budget_id, period_start),
    ARRAY(SELECT period_start FROM targets ORDER BY budget_id, period_start),
    ARRAY(SELECT add FROM targets ORDER BY budget_id, period_start))
), guard AS (
  SELECT spendline_ingest_spend_guard(
    (SELECT count(*) FROM targets),
    (SELECT count(*) FROM counters),
    (SELECT bool_and(c.spent_usd::numeric + t.add <= b.limit_usd::numeric)
     FROM counters c JOIN targets t ON t.budget_id = c.budget_id::uuid AND t.period_start = c.period_start JOIN scoped b ON b.id = t.budget_id)) AS ok
)`;

/**
 * `unbudgeted`: the whole ingest of a batch that no budget counts. The statement first asks
 * whether an active budget counts any priced event of the batch; if one does it writes nothing
 * and answers a single row with a null id, so that the batch goes the budget path instead. Asked
 * in the same statement as the insert, the answer cannot go stale between the two.
 * `budgeted`: the first statement of the budget transaction; it also answers the budgets that
 * count any priced event of the batch, one row each with a null id and the budget in `budget`,
 * for the budget statements that follow.
 * `within-budgets`: the budget path's common case as one statement (no reservation or override
 * token in the batch, every counter there, no budget over its limit after the batch): as
 * `budgeted`, and it adds the new events' cost to their counters, answering each counter as it
 * was before in `counter`. Anything else makes it fail with SQLSTATE SLB01, having written nothing.
 */
type IngestVariant = "unbudgeted" | "budgeted" | "within-budgets";

// One round trip inserts the new events (sorted, so concurrent batches lock keys in one order)
// and adds them to both roll-ups; rows that already existed are left out of the roll-ups.
function ingestSql(variant: IngestVariant): string {
  const unbudgeted = variant === "unbudgeted";
  const spends = variant === "within-budgets";
  const budgetRows = `UNION ALL SELECT NULL, NULL, to_jsonb(b)${spends ? ", NULL" : ""} FROM scoped b`;
  return `
WITH src AS (
  SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(${RECORD_COLUMNS})
), spending AS (
  SELECT project_id, end_user_id FROM src WHERE cost_usd > 0
)${
    unbudgeted
      ? `, budgeted AS (
  SELECT ${budgetCountsAnyEventSql("$1::uuid", "spending")} AS yes
)`
      : `, scoped AS (
  ${budgetsCountingEventsSql("$1::uuid", "spending")}
)`
  }, ins AS (
  INSERT INTO usage_events (org_id, event_id, body_hash, occurred_at, api_key_id, project_id, end_user_id,
    document_ref, category, purpose_detail, provider, model, service_tier, input_uncached_tokens, cache_read_tokens,
    cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, duration_ms, success, error, prompt, response,
    redaction_summary, metadata, raw_usage, cost_usd, priced, price_id, client_cost_usd, reservation_id)
  SELECT $1::uuid, event_id, body_hash, occurred_at, $2::uuid, project_id, end_user_id,
    document_ref, category, purpose_detail, provider, model, service_tier, input_uncached_tokens, cache_read_tokens,
    cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, duration_ms, success, error,
    CASE WHEN o.store_content THEN prompt END, CASE WHEN o.store_content THEN response END,
    COALESCE(CASE WHEN o.store_content THEN redaction_summary ELSE redaction_summary_without_content END, '{}'::jsonb),
    metadata, raw_usage, cost_usd, priced, price_id, client_cost_usd, reservation_id
  FROM src CROSS JOIN (SELECT store_content FROM organizations WHERE id = $1::uuid) AS o${unbudgeted ? `
  WHERE NOT (SELECT yes FROM budgeted)` : ""}
  ORDER BY event_id
  ON CONFLICT (org_id, event_id) DO NOTHING
  RETURNING id, event_id
), daily AS (
  ${rollupUpsert("daily_rollups", "day", spends)}
), monthly AS (
  ${rollupUpsert("monthly_rollups", "month", spends)}
)${spends ? WITHIN_BUDGETS_CTES : ""}
${
    unbudgeted
      ? `SELECT id, event_id FROM ins
UNION ALL SELECT NULL, NULL FROM budgeted WHERE yes`
      : spends
        ? `SELECT id, event_id, NULL::jsonb AS budget, NULL::jsonb AS counter FROM ins
${budgetRows}
UNION ALL SELECT NULL, NULL, NULL, to_jsonb(c) FROM counters c
UNION ALL SELECT NULL, NULL, NULL, NULL FROM guard WHERE ok IS NULL`
        : `SELECT id, event_id, NULL::jsonb AS budget FROM ins
${budgetRows}`
  }`;
}

/** The statement of the budget transaction (followed there by applySpendBatchInTransaction, given the budgets it answers). */
export const INGEST_SQL = ingestSql("budgeted");

/** The whole ingest of a batch that no budget counts, as one statement (see ingestSql). */
export const INGEST_UNBUDGETED_SQL = ingestSql("unbudgeted");

/** The budget path's common case as one statement (see ingestSql); fails with NEEDS_BUDGET_TRANSACTION. */
export const INGEST_WITHIN_BUDGETS_SQL = ingestSql("within-budgets");

/** The SQLSTATE of spendline_ingest_spend_guard: the batch needs the budget transaction. */
export const NEEDS_BUDGET_TRANSACTION = "SLB01";

export const STORED_RESULT_SQL = `
SELECT event_id, body_hash, cost_usd::text AS cost_usd, priced, budget_override, over_budget
FROM usage_events WHERE org_id = $1::uuid AND event_id IN (SELECT jsonb_array_elements_text($2::jsonb))`;
