// Usage log read model (SPEC §7): the raw events, filtered and keyset-paginated on
// (sort key, id) so that page 10,000 costs what page 1 costs; one event's detail; and the CSV
// export of a filtered set, read in keyset batches so that a million rows never sit in memory.
import { getDatabase, prisma } from "@/lib/db/client";
import { toCostString, toCostStringOrNull } from "@/lib/money";
import { priceEventDetailed, toPriceBreakdownView, type PriceBreakdownView } from "@/lib/pricing/calculate";
import { readServiceTiers, readTiers, toPriceRates, type ServiceTiersJson, type TierJson } from "@/lib/pricing/price-version";
import { addDays } from "@/lib/dashboard/dates";
import type { DashboardFilters } from "@/lib/dashboard/filters";
import { canAccessOrg, type Actor } from "./authz";
import { scopeOrgIds, SqlWhere } from "./dashboard-scope";
import type { DashboardScope } from "./dashboard";
import { AppError } from "./errors";

export type UsageStatusFilter = "success" | "error" | "unpriced" | "over_budget";
export const USAGE_STATUS_FILTERS: readonly UsageStatusFilter[] = ["success", "error", "unpriced", "over_budget"];

export interface UsageLogFilters extends Pick<DashboardFilters, "from" | "to">, Partial<Pick<DashboardFilters, "project" | "provider" | "model" | "category">> {
  user?: string | null;
  status?: UsageStatusFilter | null;
}

export type UsageSortKey = "time" | "cost";
export interface UsageSort {
  key: UsageSortKey;
  dir: "asc" | "desc";
}
export const DEFAULT_USAGE_SORT: UsageSort = { key: "time", dir: "desc" };

export interface UsageLogRow {
  id: string;
  eventId: string;
  occurredAt: string;
  orgSlug: string;
  orgName: string;
  projectKey: string | null;
  userExternalId: string | null;
  category: string | null;
  provider: string | null;
  model: string | null;
  /** All input tokens, cached ones included (as ingested). */
  inputTokens: number;
  outputTokens: number;
  costUsd: string | null;
  priced: boolean;
  success: boolean;
  overBudget: boolean;
  budgetOverride: boolean;
}

export interface UsageLogPage {
  rows: UsageLogRow[];
  /** Cursor of the page after this one, or null on the last page. */
  next: string | null;
  /** Cursor of the page before this one, or null on the first page. */
  previous: string | null;
}

interface Cursor {
  /** Sort value of the boundary row: ISO time, or the cost (null for unpriced). */
  v: string | null;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.v, c.id])).toString("base64url");
}

export function decodeCursor(text: string | null | undefined): Cursor | null {
  if (!text) return null;
  try {
    const [v, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if (typeof id !== "string" || !/^\d{1,19}$/.test(id)) return null;
    if (v !== null && typeof v !== "string") return null;
    if (typeof v === "string" && !/^[0-9.:TZ+-]{1,40}$/.test(v)) return null;
    return { v, id };
  } catch {
    return null;
  }
}

function eventWhere(actor: Actor, scope: DashboardScope, f: UsageLogFilters): SqlWhere {
  const w = new SqlWhere().orgs("e.org_id", scopeOrgIds(actor, scope.orgId));
  w.add(`e.occurred_at >= ${w.param(f.from)}::date AND e.occurred_at < ${w.param(addDays(f.to, 1))}::date`);
  w.equals("e.provider", f.provider).equals("e.model", f.model).equals("e.category", f.category);
  if (f.project) w.add(`e.project_id IN (SELECT id FROM projects WHERE key = ${w.param(f.project)})`);
  if (f.user) w.add(`e.end_user_id IN (SELECT id FROM end_users WHERE external_id = ${w.param(f.user)})`);
  if (f.status === "success") w.add("e.success");
  if (f.status === "error") w.add("NOT e.success");
  if (f.status === "unpriced") w.add("NOT e.priced");
  if (f.status === "over_budget") w.add("e.over_budget");
  return w;
}

/**
 * Keyset predicate and ORDER BY for a sort, walking forwards (`after`) or backwards (`before`)
 * from a cursor. Unpriced events (cost null) sort last in both cost directions.
 */
function keyset(w: SqlWhere, sort: UsageSort, cursor: Cursor | null, backwards: boolean): string {
  const forwardDesc = sort.dir === "desc";
  const desc = backwards ? !forwardDesc : forwardDesc;
  const cmp = desc ? "<" : ">";
  if (sort.key === "time") {
    if (cursor) w.add(`(e.occurred_at, e.id) ${cmp} (${w.param(cursor.v)}::timestamptz, ${w.param(cursor.id)}::bigint)`);
    return `e.occurred_at ${desc ? "DESC" : "ASC"}, e.id ${desc ? "DESC" : "ASC"}`;
  }
  // Cost order: priced events by cost, then unpriced ones ("nulls last" walking forwards).
  const nullsLastForward = !backwards;
  if (cursor) {
    const id = `${w.param(cursor.id)}::bigint`;
    if (cursor.v === null) {
      w.add(nullsLastForward ? `(e.cost_usd IS NULL AND e.id ${cmp} ${id})` : `(e.cost_usd IS NOT NULL OR e.id ${cmp} ${id})`);
    } else {
      const v = `${w.param(cursor.v)}::numeric`;
      w.add(`(e.cost_usd ${cmp} ${v} OR (e.cost_usd = ${v} AND e.id ${cmp} ${id})${nullsLastForward ? " OR e.cost_usd IS NULL" : ""})`);
    }
  }
  return `e.cost_usd ${desc ? "DESC" : "ASC"} NULLS ${nullsLastForward ? "LAST" : "FIRST"}, e.id ${desc ? "DESC" : "ASC"}`;
}

type EventRow = {
  id: string;
  event_id: string;
  occurred_at: string;
  slug: string;
  org_name: string;
  project_key: string | null;
  user_id: string | null;
  category: string | null;
  provider: string | null;
  model: string | null;
  input_tokens: string;
  output_tokens: string;
  cost: string | null;
  priced: boolean;
  success: boolean;
  over_budget: boolean;
  budget_override: boolean;
};

function selectEvents(where: SqlWhere, order: string, limit: number, extraColumns = ""): string {
  return `SELECT e.id::text AS id, e.event_id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
            o.slug, o.name AS org_name, p.key AS project_key, u.external_id AS user_id, e.category, e.provider, e.model,
            (e.input_uncached_tokens + e.cache_read_tokens + e.cache_write_tokens)::text AS input_tokens, e.output_tokens::text AS output_tokens,
            e.cost_usd::text AS cost, e.priced, e.success, e.over_budget, e.budget_override${extraColumns}
     FROM (SELECT * FROM usage_events e ${where.sql} ORDER BY ${order} LIMIT ${where.param(limit)}) e
     JOIN organizations o ON o.id = e.org_id
     LEFT JOIN projects p ON p.id = e.project_id
     LEFT JOIN end_users u ON u.id = e.end_user_id
     ORDER BY ${order}`;
}

function toRow(r: EventRow): UsageLogRow {
  return {
    id: r.id,
    eventId: r.event_id,
    occurredAt: r.occurred_at,
    orgSlug: r.slug,
    orgName: r.org_name,
    projectKey: r.project_key,
    userExternalId: r.user_id,
    category: r.category,
    provider: r.provider,
    model: r.model,
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costUsd: toCostStringOrNull(r.cost),
    priced: r.priced,
    success: r.success,
    overBudget: r.over_budget,
    budgetOverride: r.budget_override,
  };
}

const cursorOf = (sort: UsageSort, r: UsageLogRow): string => encodeCursor({ v: sort.key === "time" ? r.occurredAt : r.costUsd, id: r.id });

export const USAGE_PAGE_SIZES = [25, 50, 100] as const;

/** One page of events. `after` / `before` are cursors from a previous page (at most one is used). */
export async function listUsageEvents(
  actor: Actor,
  scope: DashboardScope,
  filters: UsageLogFilters,
  options: { sort?: UsageSort; after?: string | null; before?: string | null; limit?: number } = {},
): Promise<UsageLogPage> {
  const sort = options.sort ?? DEFAULT_USAGE_SORT;
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const before = decodeCursor(options.before);
  const after = before ? null : decodeCursor(options.after);
  const backwards = before !== null;
  const where = eventWhere(actor, scope, filters);
  const order = keyset(where, sort, before ?? after, backwards);
  const { sql } = await getDatabase();
  const raw = (await sql.query<EventRow>(selectEvents(where, order, limit + 1), where.params)).map(toRow);
  const more = raw.length > limit;
  const rows = raw.slice(0, limit);
  if (backwards) rows.reverse();
  const firstRow = rows[0];
  const lastRow = rows[rows.length - 1];
  return {
    rows,
    next: lastRow && (backwards || more) ? cursorOf(sort, lastRow) : null,
    previous: firstRow && (backwards ? more : after !== null) ? cursorOf(sort, firstRow) : null,
  };
}

export interface UsageEventDetail extends UsageLogRow {
  receivedAt: string;
  apiKeyPrefix: string | null;
  userEmail: string | null;
  userName: string | null;
  documentRef: string | null;
  purposeDetail: string | null;
  tokens: { inputUncached: number; cacheRead: number; cacheWrite: number; cacheWrite1h: number; output: number; reasoning: number };
  serviceTier: string | null;
  /** How the stored cost was reached from the price version (tier, service tier, rates applied). */
  pricing: PriceBreakdownView | null;
  durationMs: number | null;
  error: string | null;
  prompt: string | null;
  response: string | null;
  redactionSummary: Record<string, number>;
  metadata: unknown;
  rawUsage: unknown;
  clientCostUsd: string | null;
  overrideBy: string | null;
  reservationId: string | null;
  price: {
    id: string;
    provider: string;
    model: string;
    effectiveFrom: string;
    inputPerMtok: string;
    cachedInputPerMtok: string | null;
    cacheWritePerMtok: string | null;
    cacheWrite1hPerMtok: string | null;
    outputPerMtok: string;
    perRequest: string | null;
    tiers: TierJson[] | null;
    serviceTiers: ServiceTiersJson | null;
    source: string;
  } | null;
}

const str = (d: { toString(): string } | null) => (d === null ? null : d.toString());

function redactionCounts(value: unknown): Record<string, number> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "number") out[k] = v;
  return out;
}

/** One event by its internal id; another organisation's event (or a malformed id) is not found. */
export async function getUsageEvent(actor: Actor, id: string): Promise<UsageEventDetail> {
  if (!/^\d{1,18}$/.test(id)) throw new AppError("not_found", "Event not found.");
  const db = await prisma();
  const e = await db.usageEvent.findUnique({
    where: { id: BigInt(id) },
    include: { organization: true, project: true, endUser: true, price: true, apiKey: { select: { prefix: true } } },
  });
  if (!e || !canAccessOrg(actor, e.orgId, "viewer")) throw new AppError("not_found", "Event not found.");
  const tokens = {
    inputUncached: Number(e.inputUncachedTokens),
    cacheRead: Number(e.cacheReadTokens),
    cacheWrite: Number(e.cacheWriteTokens),
    cacheWrite1h: Number(e.cacheWrite1hTokens),
    output: Number(e.outputTokens),
    reasoning: Number(e.reasoningTokens),
  };
  return {
    id: e.id.toString(),
    eventId: e.eventId,
    occurredAt: e.occurredAt.toISOString(),
    receivedAt: e.receivedAt.toISOString(),
    orgSlug: e.organization.slug,
    orgName: e.organization.name,
    projectKey: e.project?.key ?? null,
    userExternalId: e.endUser?.externalId ?? null,
    userEmail: e.endUser?.email ?? null,
    userName: e.endUser?.name ?? null,
    apiKeyPrefix: e.apiKey?.prefix ?? null,
    category: e.category,
    provider: e.provider,
    model: e.model,
    documentRef: e.documentRef,
    purposeDetail: e.purposeDetail,
    inputTokens: Number(e.inputUncachedTokens + e.cacheReadTokens + e.cacheWriteTokens),
    outputTokens: Number(e.outputTokens),
    tokens,
    serviceTier: e.serviceTier,
    pricing: e.price ? toPriceBreakdownView(priceEventDetailed(tokens, toPriceRates(e.price), e.serviceTier)) : null,
    durationMs: e.durationMs,
    success: e.success,
    error: e.error,
    prompt: e.prompt,
    response: e.response,
    redactionSummary: redactionCounts(e.redactionSummary),
    metadata: e.metadata,
    rawUsage: e.rawUsage,
    costUsd: e.costUsd === null ? null : toCostString(e.costUsd),
    clientCostUsd: e.clientCostUsd === null ? null : toCostString(e.clientCostUsd),
    priced: e.priced,
    overBudget: e.overBudget,
    budgetOverride: e.budgetOverride,
    overrideBy: e.overrideBy,
    reservationId: e.reservationId,
    price: e.price
      ? {
          id: e.price.id,
          provider: e.price.provider,
          model: e.price.model,
          effectiveFrom: e.price.effectiveFrom.toISOString(),
          inputPerMtok: e.price.inputPerMtok.toString(),
          cachedInputPerMtok: str(e.price.cachedInputPerMtok),
          cacheWritePerMtok: str(e.price.cacheWritePerMtok),
          cacheWrite1hPerMtok: str(e.price.cacheWrite1hPerMtok),
          outputPerMtok: e.price.outputPerMtok.toString(),
          perRequest: str(e.price.perRequest),
          tiers: readTiers(e.price.tiers),
          serviceTiers: readServiceTiers(e.price.serviceTiers),
          source: e.price.source,
        }
      : null,
  };
}

// ---- CSV ---------------------------------------------------------------------------------------

export const USAGE_CSV_COLUMNS = [
  "id",
  "event_id",
  "occurred_at",
  "organization",
  "project",
  "user",
  "category",
  "provider",
  "model",
  "input_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "output_tokens",
  "reasoning_tokens",
  "duration_ms",
  "success",
  "cost_usd",
  "client_cost_usd",
  "priced",
  "over_budget",
  "budget_override",
] as const;

/**
 * One CSV cell, always quoted (RFC 4180), so that no value can end a cell or a row early however a
 * reader splits; text that a spreadsheet would run as a formula is prefixed with a quote (plain
 * numbers, negative ones included, are left as they are).
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '""';
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

type CsvRow = EventRow & { cache_read: string; cache_write: string; reasoning: string; duration_ms: string | null; client_cost: string | null };

const CSV_EXTRA = `, e.cache_read_tokens::text AS cache_read, e.cache_write_tokens::text AS cache_write, e.reasoning_tokens::text AS reasoning,
  e.duration_ms::text AS duration_ms, e.client_cost_usd::text AS client_cost`;

export const CSV_BATCH_SIZE = 5000;

/**
 * The filtered events as CSV text chunks (header first), read in keyset batches of
 * CSV_BATCH_SIZE rows. Access is checked before the first chunk.
 */
export async function exportUsageCsv(actor: Actor, scope: DashboardScope, filters: UsageLogFilters, sort: UsageSort = DEFAULT_USAGE_SORT): Promise<AsyncGenerator<string>> {
  scopeOrgIds(actor, scope.orgId);
  const { sql } = await getDatabase();
  async function* chunks(): AsyncGenerator<string> {
    yield `${USAGE_CSV_COLUMNS.join(",")}\r\n`;
    let cursor: Cursor | null = null;
    for (;;) {
      const where = eventWhere(actor, scope, filters);
      const order = keyset(where, sort, cursor, false);
      const rows = await sql.query<CsvRow>(selectEvents(where, order, CSV_BATCH_SIZE, CSV_EXTRA), where.params);
      if (rows.length === 0) return;
      let text = "";
      for (const r of rows) {
        const input = Number(r.input_tokens);
        text += [
          r.id,
          r.event_id,
          r.occurred_at,
          r.slug,
          r.project_key,
          r.user_id,
          r.category,
          r.provider,
          r.model,
          input,
          Number(r.cache_read),
          Number(r.cache_write),
          Number(r.output_tokens),
          Number(r.reasoning),
          r.duration_ms === null ? null : Number(r.duration_ms),
          r.success,
          toCostStringOrNull(r.cost),
          toCostStringOrNull(r.client_cost),
          r.priced,
          r.over_budget,
          r.budget_override,
        ]
          .map(csvField)
          .join(",");
        text += "\r\n";
      }
      yield text;
      if (rows.length < CSV_BATCH_SIZE) return;
      const last = rows[rows.length - 1];
      cursor = { v: sort.key === "time" ? last.occurred_at : last.cost, id: last.id };
    }
  }
  return chunks();
}
