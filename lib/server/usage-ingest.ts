// Ingest (SPEC §5/§6): validate, price, redact, then store events exactly once. The unique key
// (org_id, event_id) decides what is new — INSERT … ON CONFLICT DO NOTHING, never a read-then-
// write — and the daily and monthly roll-ups are added to by the same statement, with
// INSERT … ON CONFLICT DO UPDATE SET x = x + EXCLUDED.x, so concurrent requests never lose an
// update. Budgets see every new event inside the same transaction.
import type { Prisma as PrismaNs } from "@/lib/generated/prisma/client";
import { prisma } from "@/lib/db/client";
import { dec, toCostString } from "@/lib/money";
import { priceEvent } from "@/lib/pricing/calculate";
import { matchPrice } from "@/lib/pricing/match";
import { redactEventContent, redactJson, redactString, type RedactionSummary } from "@/lib/redaction";
import { parseUsageEvent, type EventValidationError, type ParsedUsageEvent } from "@/lib/usage/event-schema";
import { afterSpendCommitted, applySpendInTransaction, type SpendInput, type SpendOutcome } from "./budgets/spend";
import type { ApiKeyPrincipal } from "./api-keys";
import { getPriceIndex } from "./pricing";

type Tx = PrismaNs.TransactionClient;
type Db = Awaited<ReturnType<typeof prisma>>;

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
  input_uncached_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
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

// Created on first sight outside the event transaction: a project that outlives a failed insert
// is harmless, and the event transaction does not hold its row lock.
async function projectId(db: Db, orgId: string, key: string): Promise<string> {
  const cacheKey = `${orgId}\u0000${key}`;
  const hit = projectIds.get(cacheKey);
  if (hit) return hit;
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH ins AS (
      INSERT INTO projects (org_id, key, name) VALUES (${orgId}::uuid, ${key}, ${key})
      ON CONFLICT (org_id, key) DO NOTHING RETURNING id
    )
    SELECT id FROM ins UNION ALL SELECT id FROM projects WHERE org_id = ${orgId}::uuid AND key = ${key} LIMIT 1`;
  // A concurrent first sight committed after this statement's snapshot: read it with a new one.
  const id = rows[0]?.id ?? (await db.$queryRaw<{ id: string }[]>`SELECT id FROM projects WHERE org_id = ${orgId}::uuid AND key = ${key}`)[0].id;
  remember(projectIds, cacheKey, id);
  return id;
}

async function endUserId(db: Db, orgId: string, externalId: string, email: string | null, name: string | null): Promise<string> {
  const cacheKey = `${orgId}\u0000${externalId}\u0000${email ?? ""}\u0000${name ?? ""}`;
  const hit = endUserIds.get(cacheKey);
  if (hit) return hit;
  const rows =
    email || name
      ? await db.$queryRaw<{ id: string }[]>`
          INSERT INTO end_users (org_id, external_id, email, name) VALUES (${orgId}::uuid, ${externalId}, ${email}, ${name})
          ON CONFLICT (org_id, external_id) DO UPDATE SET email = COALESCE(EXCLUDED.email, end_users.email), name = COALESCE(EXCLUDED.name, end_users.name)
          RETURNING id`
      : await db.$queryRaw<{ id: string }[]>`
          WITH ins AS (
            INSERT INTO end_users (org_id, external_id) VALUES (${orgId}::uuid, ${externalId})
            ON CONFLICT (org_id, external_id) DO NOTHING RETURNING id
          )
          SELECT id FROM ins UNION ALL SELECT id FROM end_users WHERE org_id = ${orgId}::uuid AND external_id = ${externalId} LIMIT 1`;
  const id = rows[0]?.id ?? (await db.$queryRaw<{ id: string }[]>`SELECT id FROM end_users WHERE org_id = ${orgId}::uuid AND external_id = ${externalId}`)[0].id;
  remember(endUserIds, cacheKey, id);
  return id;
}

// ---- the statement ---------------------------------------------------------------------------

const RECORD_COLUMNS = `
  event_id text, body_hash text, occurred_at timestamptz, day date, month date,
  project_id uuid, project_key text, end_user_id uuid, user_key text, document_ref text,
  category text, purpose_detail text, provider text, model text,
  input_uncached_tokens int, cache_read_tokens int, cache_write_tokens int, output_tokens int,
  reasoning_tokens int, duration_ms int, success boolean, error text, prompt text, response text,
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
export const INGEST_SQL = `
WITH src AS (
  SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(${RECORD_COLUMNS})
), ins AS (
  INSERT INTO usage_events (org_id, event_id, body_hash, occurred_at, api_key_id, project_id, end_user_id,
    document_ref, category, purpose_detail, provider, model, input_uncached_tokens, cache_read_tokens,
    cache_write_tokens, output_tokens, reasoning_tokens, duration_ms, success, error, prompt, response,
    redaction_summary, metadata, raw_usage, cost_usd, priced, price_id, client_cost_usd, reservation_id)
  SELECT $1::uuid, event_id, body_hash, occurred_at, $2::uuid, project_id, end_user_id,
    document_ref, category, purpose_detail, provider, model, input_uncached_tokens, cache_read_tokens,
    cache_write_tokens, output_tokens, reasoning_tokens, duration_ms, success, error,
    CASE WHEN o.store_content THEN prompt END, CASE WHEN o.store_content THEN response END,
    COALESCE(CASE WHEN o.store_content THEN redaction_summary ELSE redaction_summary_without_content END, '{}'::jsonb),
    metadata, raw_usage, cost_usd, priced, price_id, client_cost_usd, reservation_id
  FROM src CROSS JOIN (SELECT store_content FROM organizations WHERE id = $1::uuid) AS o
  ORDER BY event_id
  ON CONFLICT (org_id, event_id) DO NOTHING
  RETURNING id, event_id
), daily AS (
  ${rollupUpsert("daily_rollups", "day")}
), monthly AS (
  ${rollupUpsert("monthly_rollups", "month")}
)
SELECT id, event_id FROM ins`;

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

async function toRecord(db: Db, principal: ApiKeyPrincipal, p: PreparedEvent): Promise<EventRecord> {
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
  const pid = p.projectKey === null ? null : p.projectKey === principal.projectKey && principal.projectId ? principal.projectId : await projectId(db, principal.orgId, p.projectKey);
  const uid = e.user ? await endUserId(db, principal.orgId, e.user, e.user_email ?? null, e.user_name ?? null) : null;
  return {
    event_id: e.event_id,
    body_hash: e.bodyHash,
    occurred_at: p.occurredAt.toISOString(),
    day: isoDay(p.occurredAt),
    month: isoMonth(p.occurredAt),
    project_id: pid,
    project_key: p.projectKey ?? "",
    end_user_id: uid,
    user_key: e.user ?? "",
    document_ref: e.document ?? null,
    category: e.category ?? null,
    purpose_detail: content.purposeDetail ?? null,
    provider: e.provider ?? null,
    model: e.model ?? null,
    input_uncached_tokens: e.tokens.inputUncached,
    cache_read_tokens: e.tokens.cacheRead,
    cache_write_tokens: e.tokens.cacheWrite,
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

const RETRYABLE = new Set(["40001", "40P01"]);
const MAX_ATTEMPTS = 5;

interface TxOutcome {
  inserted: { prepared: PreparedEvent; record: EventRecord; outcome: SpendOutcome; input: SpendInput }[];
  stored: Map<string, { body_hash: string; cost_usd: string | null; priced: boolean; budget_override: boolean; over_budget: boolean }>;
}

async function runIngestTransaction(db: Db, principal: ApiKeyPrincipal, batch: { prepared: PreparedEvent; record: EventRecord }[]): Promise<TxOutcome> {
  const byEventId = new Map(batch.map((b) => [b.record.event_id, b]));
  return db.$transaction(
    async (tx: Tx) => {
      const rows = await tx.$queryRawUnsafe<{ id: bigint; event_id: string }[]>(INGEST_SQL, principal.orgId, principal.keyId, JSON.stringify(batch.map((b) => b.record)));
      const inserted: TxOutcome["inserted"] = [];
      for (const r of rows.sort((a, b) => (a.event_id < b.event_id ? -1 : 1))) {
        const b = byEventId.get(r.event_id)!;
        const input: SpendInput = {
          orgId: principal.orgId,
          eventRowId: BigInt(r.id),
          eventId: r.event_id,
          projectId: b.record.project_id,
          endUserId: b.record.end_user_id,
          occurredAt: b.prepared.occurredAt,
          costUsd: b.prepared.costUsd === null ? null : dec(b.prepared.costUsd),
          reservationId: b.record.reservation_id,
          overrideToken: b.prepared.event.override_token ?? null,
        };
        // Budgets write the over-budget / override flags onto the event row themselves (spend.ts contract).
        const outcome = await applySpendInTransaction(tx, input);
        inserted.push({ prepared: b.prepared, record: b.record, outcome, input });
      }
      const stored: TxOutcome["stored"] = new Map();
      if (rows.length < batch.length) {
        const fresh = new Set(rows.map((r) => r.event_id));
        const others = batch.map((b) => b.record.event_id).filter((id) => !fresh.has(id));
        const existing = await tx.$queryRawUnsafe<{ event_id: string; body_hash: string; cost_usd: string | null; priced: boolean; budget_override: boolean; over_budget: boolean }[]>(
          STORED_RESULT_SQL,
          principal.orgId,
          JSON.stringify(others),
        );
        for (const e of existing) stored.set(e.event_id, e);
      }
      return { inserted, stored };
    },
    { maxWait: 10_000, timeout: 120_000 },
  );
}

async function withRetries<T>(principal: ApiKeyPrincipal, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const state = sqlState(err);
      if (attempt >= MAX_ATTEMPTS) throw err;
      if (state && RETRYABLE.has(state)) {
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
        continue;
      }
      // A cached project or end user that was deleted meanwhile: look them up again.
      if (state === "23503" && attempt === 1) {
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
  const firstIndex = new Map<string, number>();
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
    const first = firstIndex.get(e.event_id);
    if (first !== undefined) {
      if (prepared.find((p) => p.index === first)!.event.bodyHash === e.bodyHash) repeats.push({ index: i, of: first });
      else results[i] = rejected(e.event_id, { code: "conflict", message: CONFLICT_MESSAGE });
      return;
    }
    firstIndex.set(e.event_id, i);
    const occurredAt = e.timestamp ?? now;
    const match = matchPrice(index, { provider: e.provider, model: e.model, at: occurredAt });
    prepared.push({
      index: i,
      event: e,
      occurredAt,
      projectKey: e.project ?? principal.projectKey,
      costUsd: match.price ? toCostString(priceEvent(e.tokens, match.price)) : null,
      priceId: match.price?.id ?? null,
    });
  });

  if (prepared.length > 0) {
    const outcome = await withRetries(principal, async () => {
      const db = await prisma();
      const batch: { prepared: PreparedEvent; record: EventRecord }[] = [];
      for (const p of prepared) batch.push({ prepared: p, record: await toRecord(db, principal, p) });
      return runIngestTransaction(db, principal, batch);
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
