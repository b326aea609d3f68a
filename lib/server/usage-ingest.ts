// Ingest (SPEC §5/§6): validate, price, redact, then store events exactly once. The unique key
// (org_id, event_id) decides what is new — INSERT … ON CONFLICT DO NOTHING, never a read-then-
// write — and the daily and monthly roll-ups are added to by the same statement, with
// INSERT … ON CONFLICT DO UPDATE SET x = x + EXCLUDED.x, so concurrent requests never lose an
// update. Budgets see every new event inside the same transaction; a batch that no budget counts
// (the statement itself checks) is stored by that one statement alone.
import type { Prisma as PrismaNs } from "@/lib/generated/prisma/client";
import { getDatabase, type Database } from "@/lib/db/client";
import type { SqlRunner } from "@/lib/db/sql";
import { dec, toCostString } from "@/lib/money";
import { priceEvent } from "@/lib/pricing/calculate";
import { matchPrice } from "@/lib/pricing/match";
import { redactEventContent, redactJson, redactString, type RedactionSummary } from "@/lib/redaction";
import { parseUsageEvent, type EventValidationError, type ParsedUsageEvent } from "@/lib/usage/event-schema";
import { afterSpendCommitted, applySpendBatchInTransaction, NO_BUDGET_EFFECT, type SpendInput, type SpendOutcome } from "./budgets/spend";
import { budgetCountsAnyEventSql, conflictBackoff, conflictsExhausted, isTransactionConflict, TRANSACTION_ATTEMPTS } from "./budgets/store";
import type { ApiKeyPrincipal } from "./api-keys";
import { getPriceIndex } from "./pricing";

type Tx = PrismaNs.TransactionClient;
type Db = Database["prisma"];

export type IngestStatus = "created" | "duplicate" | "rejected";

/** One event's answer, exactly as SPEC §5 puts it on the wire. */
export interface IngestResult {
  event_id: string | null;
  status: IngestStatus;
  cost_usd: string | null;
  priced: boolean;
  budget_override: boolean;
  over_budget: boolean;
  error?: { code: string; message: string; details?: unknown };
}

interface PreparedEvent {
  index: number;
  event: ParsedUsageEvent;
  occurredAt: Date;
  projectKey: string | null;
  costUsd: string | null;
  priceId: string | null;
}

/** The row handed to the insert statement (one jsonb_to_recordset record). */
interface EventRecord {
  event_id: string;
  body_hash: string;
  occurred_at: string;
  day: string;
  month: string;
  project_id: string | null;
  project_key: string;
  end_user_id: string | null;
  user_key: string;
  document_ref: string | null;
  category: string | null;
  purpose_detail: string | null;
  provider: string | null;
  model: string | null;
  service_tier: string | null;
  input_uncached_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  duration_ms: number | null;
  success: boolean;
  error: string | null;
  prompt: string | null;
  response: string | null;
  redaction_summary: RedactionSummary;
  /** The summary when the organisation stores no prompt/response (decided in SQL, never stale). */
  redaction_summary_without_content: RedactionSummary;
  metadata: unknown;
  raw_usage: unknown;
  cost_usd: string | null;
  priced: boolean;
  price_id: string | null;
  client_cost_usd: string | null;
  reservation_id: string | null;
}

const CONFLICT_MESSAGE = "An event with this event_id and a different body was already recorded.";

function rejected(eventId: string | null, error: IngestResult["error"]): IngestResult {
  return { event_id: eventId, status: "rejected", cost_usd: null, priced: false, budget_override: false, over_budget: false, error };
}

// ---- projects and end users: created once, read on every event ------------------------------

const projectIds = new Map<string, string>();
const endUserIds = new Map<string, string>();
const MAX_CACHED_IDS = 100_000;

function remember(map: Map<string, string>, key: string, id: string): void {
  if (map.size >= MAX_CACHED_IDS) map.clear();
  map.set(key, id);
}

function forgetOrganisation(orgId: string): void {
  for (const map of [projectIds, endUserIds]) for (const key of map.keys()) if (key.startsWith(`${orgId}\u0000`)) map.delete(key);
}

const projectCacheKey = (orgId: string, key: string) => `${orgId}\u0000${key}`;
const endUserCacheKey = (orgId: string, u: EndUserRef) => `${orgId}\u0000${u.externalId}\u0000${u.email ?? ""}\u0000${u.name ?? ""}`;

interface EndUserRef {
  externalId: string;
  email: string | null;
  name: string | null;
}

// Both statements insert in key order (so concurrent batches take row locks in one order) and
// return the ids of new and existing rows alike; the existing rows come from the statement's
// snapshot, so a row another request created meanwhile is read again afterwards.
const UPSERT_PROJECTS_SQL = `
WITH k AS (SELECT DISTINCT unnest($2::text[]) AS key), ins AS (
  INSERT INTO projects (org_id, key, name) SELECT $1::uuid, key, key FROM k ORDER BY key
  ON CONFLICT (org_id, key) DO NOTHING RETURNING id, key
)
SELECT id::text AS id, key FROM ins UNION ALL SELECT p.id::text, p.key FROM projects p JOIN k ON p.key = k.key WHERE p.org_id = $1::uuid`;

const UPSERT_END_USERS_SQL = `
WITH t AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) AS t(external_id, email, name)), ins AS (
  INSERT INTO end_users (org_id, external_id, email, name) SELECT $1::uuid, external_id, email, name FROM t ORDER BY external_id
  ON CONFLICT (org_id, external_id) DO UPDATE SET email = COALESCE(EXCLUDED.email, end_users.email), name = COALESCE(EXCLUDED.name, end_users.name)
  WHERE (EXCLUDED.email IS NOT NULL AND EXCLUDED.email IS DISTINCT FROM end_users.email) OR (EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM end_users.name)
  RETURNING id, external_id
)
SELECT id::text AS id, external_id AS key FROM ins UNION ALL SELECT u.id::text, u.external_id FROM end_users u JOIN t ON u.external_id = t.external_id WHERE u.org_id = $1::uuid`;

async function readIds(db: Db, table: "projects" | "end_users", orgId: string, keys: string[]): Promise<{ id: string; key: string }[]> {
  const column = table === "projects" ? "key" : "external_id";
  return db.$queryRawUnsafe(`SELECT id::text AS id, ${column} AS key FROM ${table} WHERE org_id = $1::uuid AND ${column} = ANY($2::text[])`, orgId, keys);
}

/**
 * The project and end-user ids of every prepared event, creating the missing rows with one
 * statement each. Created outside the event transaction: a project that outlives a failed insert
 * is harmless, and the event transaction does not hold its row lock.
 */
async function resolveScopeIds(db: Db, principal: ApiKeyPrincipal, prepared: PreparedEvent[]): Promise<{ projectId: (string | null)[]; endUserId: (string | null)[] }> {
  const orgId = principal.orgId;
  const ownProject = (key: string) => (key === principal.projectKey && principal.projectId ? principal.projectId : null);
  const missingProjects = new Set<string>();
  const missingUsers = new Map<string, EndUserRef>();
  const users = prepared.map((p): EndUserRef | null => (p.event.user ? { externalId: p.event.user, email: p.event.user_email ?? null, name: p.event.user_name ?? null } : null));
  const ids = { projects: new Map<string, string>(), users: new Map<string, string>() };
  prepared.forEach((p, i) => {
    if (p.projectKey !== null && !ownProject(p.projectKey)) {
      const hit = projectIds.get(projectCacheKey(orgId, p.projectKey));
      if (hit) ids.projects.set(p.projectKey, hit);
      else missingProjects.add(p.projectKey);
    }
    const u = users[i];
    const hit = u ? endUserIds.get(endUserCacheKey(orgId, u)) : undefined;
    if (u && hit && !missingUsers.has(u.externalId)) ids.users.set(u.externalId, hit);
    else if (u) {
      // Several events of one user: the last email and name given win, as if sent one by one.
      const seen = missingUsers.get(u.externalId);
      missingUsers.set(u.externalId, { externalId: u.externalId, email: u.email ?? seen?.email ?? null, name: u.name ?? seen?.name ?? null });
    }
  });

  if (missingProjects.size > 0) {
    const keys = [...missingProjects];
    for (const r of await db.$queryRawUnsafe<{ id: string; key: string }[]>(UPSERT_PROJECTS_SQL, orgId, keys)) ids.projects.set(r.key, r.id);
    const late = keys.filter((k) => !ids.projects.has(k));
    if (late.length > 0) for (const r of await readIds(db, "projects", orgId, late)) ids.projects.set(r.key, r.id);
  }
  if (missingUsers.size > 0) {
    const refs = [...missingUsers.values()];
    for (const r of await db.$queryRawUnsafe<{ id: string; key: string }[]>(UPSERT_END_USERS_SQL, orgId, refs.map((u) => u.externalId), refs.map((u) => u.email), refs.map((u) => u.name)))
      ids.users.set(r.key, r.id);
    const late = refs.map((u) => u.externalId).filter((k) => !ids.users.has(k));
    if (late.length > 0) for (const r of await readIds(db, "end_users", orgId, late)) ids.users.set(r.key, r.id);
  }

  const projectId = prepared.map((p) => {
    if (p.projectKey === null) return null;
    const own = ownProject(p.projectKey);
    if (own) return own;
    const cacheKey = projectCacheKey(orgId, p.projectKey);
    const id = ids.projects.get(p.projectKey)!;
    remember(projectIds, cacheKey, id);
    return id;
  });
  const endUserId = users.map((u) => {
    if (!u) return null;
    const cacheKey = endUserCacheKey(orgId, u);
    const id = ids.users.get(u.externalId)!;
    remember(endUserIds, cacheKey, id);
    return id;
  });
  return { projectId, endUserId };
}

// ---- the statement ---------------------------------------------------------------------------

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

function rollupUpsert(table: "daily_rollups" | "monthly_rollups", period: "day" | "month"): string {
  return `INSERT INTO ${table} AS r (${period}, org_id, project_key, user_external_id, category, provider, model, ${ROLLUP_COLUMNS})
    SELECT s.${period}, $1::uuid, ${ROLLUP_DIMS}, ${ROLLUP_AGGREGATES}
    FROM ins JOIN src s ON s.event_id = ins.event_id
    GROUP BY s.${period}, ${ROLLUP_DIMS}
    ORDER BY s.${period}, ${ROLLUP_DIMS}
    ON CONFLICT (${period}, org_id, project_key, user_external_id, category, provider, model)
    DO UPDATE SET ${rollupUpdate("r")}`;
}

// One round trip inserts the new events (sorted, so concurrent batches lock keys in one order)
// and adds them to both roll-ups; rows that already existed are left out of the roll-ups.
// `unbudgeted`: the statement first asks whether an active budget counts any priced event of the
// batch; if one does it writes nothing and answers a single row with a null id, so that the
// batch goes through the budget transaction instead. Asked in the same statement as the insert,
// the answer cannot go stale between the two.
function ingestSql(unbudgeted: boolean): string {
  return `
WITH src AS (
  SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(${RECORD_COLUMNS})
)${
    unbudgeted
      ? `, spending AS (
  SELECT project_id, end_user_id FROM src WHERE cost_usd > 0
), budgeted AS (
  SELECT ${budgetCountsAnyEventSql("$1::uuid", "spending")} AS yes
)`
      : ""
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
  ${rollupUpsert("daily_rollups", "day")}
), monthly AS (
  ${rollupUpsert("monthly_rollups", "month")}
)
SELECT id, event_id FROM ins${unbudgeted ? `
UNION ALL SELECT NULL, NULL FROM budgeted WHERE yes` : ""}`;
}

/** The statement of the budget transaction (followed there by applySpendBatchInTransaction). */
export const INGEST_SQL = ingestSql(false);

/** The whole ingest of a batch that no budget counts, as one statement (see ingestSql). */
export const INGEST_UNBUDGETED_SQL = ingestSql(true);

const STORED_RESULT_SQL = `
SELECT event_id, body_hash, cost_usd::text AS cost_usd, priced, budget_override, over_budget
FROM usage_events WHERE org_id = $1::uuid AND event_id IN (SELECT jsonb_array_elements_text($2::jsonb))`;

// ---- preparing events ------------------------------------------------------------------------

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function isoMonth(d: Date): string {
  return `${d.toISOString().slice(0, 7)}-01`;
}

/** The stored form of an event, ids of project and end user aside (see resolveScopeIds). */
function toRecord(p: PreparedEvent): EventRecord {
  const e = p.event;
  const { content, summary: summaryWithoutContent } = redactEventContent({
    error: e.error ?? null,
    purposeDetail: e.purpose_detail ?? null,
    metadata: e.metadata ?? null,
  });
  const rawUsage = e.usage ? redactJson(e.usage, summaryWithoutContent) : null;
  const summary: RedactionSummary = { ...summaryWithoutContent };
  const prompt = e.prompt === undefined ? null : redactString(e.prompt, summary);
  const response = e.response === undefined ? null : redactString(e.response, summary);
  return {
    event_id: e.event_id,
    body_hash: e.bodyHash,
    occurred_at: p.occurredAt.toISOString(),
    day: isoDay(p.occurredAt),
    month: isoMonth(p.occurredAt),
    project_id: null,
    project_key: p.projectKey ?? "",
    end_user_id: null,
    user_key: e.user ?? "",
    document_ref: e.document ?? null,
    category: e.category ?? null,
    purpose_detail: content.purposeDetail ?? null,
    provider: e.provider ?? null,
    model: e.model ?? null,
    service_tier: e.service_tier ?? null,
    input_uncached_tokens: e.tokens.inputUncached,
    cache_read_tokens: e.tokens.cacheRead,
    cache_write_tokens: e.tokens.cacheWrite,
    cache_write_1h_tokens: e.tokens.cacheWrite1h ?? 0,
    output_tokens: e.tokens.output,
    reasoning_tokens: e.tokens.reasoning,
    duration_ms: e.duration_ms ?? null,
    success: e.success ?? !e.error,
    error: content.error ?? null,
    prompt,
    response,
    redaction_summary: summary,
    redaction_summary_without_content: summaryWithoutContent,
    metadata: content.metadata ?? null,
    raw_usage: rawUsage,
    cost_usd: p.costUsd,
    priced: p.costUsd !== null,
    price_id: p.priceId,
    client_cost_usd: e.cost_usd ?? null,
    reservation_id: e.reservation_id ?? null,
  };
}

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
  const rows = await query<{ id: string | null; event_id: string | null }>(INGEST_UNBUDGETED_SQL, principal.orgId, principal.keyId, JSON.stringify(batch.map((b) => b.record)));
  if (rows.some((r) => r.id === null)) return null;
  const { fresh, inputs, rowIds } = spendInputs(principal, batch, rows as { id: string; event_id: string }[]);
  const inserted = fresh.map((b, i) => ({ prepared: b.prepared, record: b.record, outcome: { ...NO_BUDGET_EFFECT }, input: inputs[i] }));
  return { inserted, stored: await storedResults(query, principal, batch, rowIds) };
}

async function runIngestTransaction(db: Db, principal: ApiKeyPrincipal, batch: Batch): Promise<TxOutcome> {
  return db.$transaction(
    async (tx: Tx) => {
      const rows = await tx.$queryRawUnsafe<{ id: bigint; event_id: string }[]>(INGEST_SQL, principal.orgId, principal.keyId, JSON.stringify(batch.map((b) => b.record)));
      const { fresh, inputs, rowIds } = spendInputs(principal, batch, rows);
      // Budgets write the over-budget / override flags onto the event rows themselves (spend.ts contract).
      const outcomes = await applySpendBatchInTransaction(tx, inputs);
      const inserted = fresh.map((b, i) => ({ prepared: b.prepared, record: b.record, outcome: outcomes[i], input: inputs[i] }));
      return { inserted, stored: await storedResults((text, ...params) => tx.$queryRawUnsafe(text, ...params), principal, batch, rowIds) };
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
}

/** Stores the batch: as one statement when no budget counts it, else in the budget transaction. */
async function ingest(database: Database, principal: ApiKeyPrincipal, batch: Batch): Promise<TxOutcome> {
  const orgId = principal.orgId;
  if (!mayNeedBudgets(batch) && (budgetedOrgs.get(orgId) ?? 0) < Date.now()) {
    const done = await ingestUnbudgeted(database.sql, principal, batch);
    if (done) return done;
    if (budgetedOrgs.size >= MAX_CACHED_IDS) budgetedOrgs.clear();
    budgetedOrgs.set(orgId, Date.now() + BUDGETED_HINT_MS);
  }
  return runIngestTransaction(database.prisma, principal, batch);
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
  const firstOf = new Map<string, PreparedEvent>();
  const repeats: { index: number; of: number }[] = [];
  const prepared: PreparedEvent[] = [];
  const index = await getPriceIndex();

  rawEvents.forEach((raw, i) => {
    const parsed = parseUsageEvent(raw, now);
    if (!parsed.ok) {
      results[i] = rejected(parsed.eventId, parsed.error satisfies EventValidationError);
      return;
    }
    const e = parsed.event;
    const first = firstOf.get(e.event_id);
    if (first !== undefined) {
      if (first.event.bodyHash === e.bodyHash) repeats.push({ index: i, of: first.index });
      else results[i] = rejected(e.event_id, { code: "conflict", message: CONFLICT_MESSAGE });
      return;
    }
    const occurredAt = e.timestamp ?? now;
    const match = matchPrice(index, { provider: e.provider, model: e.model, at: occurredAt });
    const p: PreparedEvent = {
      index: i,
      event: e,
      occurredAt,
      projectKey: e.project ?? principal.projectKey,
      costUsd: match.price ? toCostString(priceEvent(e.tokens, match.price, e.service_tier)) : null,
      priceId: match.price?.id ?? null,
    };
    firstOf.set(e.event_id, p);
    prepared.push(p);
  });

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
