// Ingest, redact (SPEC §6 "redaction before storage"): the stored form of a prepared event, its
// prompt, response, error, purpose detail and metadata redacted, as one record of the ingest
// statement's jsonb_to_recordset (lib/server/ingest/statements.ts lists the same columns).
import { redactEventContent, redactJson, redactString, type RedactionSummary } from "@/lib/redaction";
import type { PreparedEvent } from "./prepare";

export interface EventRecord {
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

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function isoMonth(d: Date): string {
  return `${d.toISOString().slice(0, 7)}-01`;
}

/** The stored form of an event, ids of project and end user aside (see resolveScopeIds). */
export function toRecord(p: PreparedEvent): EventRecord {
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


/**
 * The records as the ingest statement's `$3`, their null fields left out: the statement reads a
 * missing key as NULL, and an event's record is a quarter shorter (less JSON to write here and to
 * parse in the database; measured 13 % more batches per second in PostgreSQL). Only the record's
 * own keys are dropped — nulls inside metadata or usage are kept as sent.
 */
export function recordsJson(records: readonly EventRecord[]): string {
  // A replacer that drops null members of the records themselves (their holder is a record):
  // half the time of copying each record without them first (4 against 8 µs per event).
  const own = new Set<unknown>(records);
  return JSON.stringify(records, function (this: unknown, _key: string, value: unknown) {
    return value === null && own.has(this) ? undefined : value;
  });
}
