// Usage log read model (SPEC §7): the raw events, filtered and keyset-paginated on
// (sort key, id) so that page 10,000 costs what page 1 costs; one event's detail; and the CSV
// export of a filtered set, read in keyset batches so that a million rows never sit in memory.
import { getDatabase, prisma } from "@/lib/db/client";
import { toCostString, toCostStringOrNull } from "@/lib/money";
import { priceEventDetailed, toPriceBreakdownView, type PriceBreakdownView } from "@/lib/pricing/calculate";
import { readServiceTiers, readTiers, toPriceRates, type PriceVersionRates } from "@/lib/pricing/price-version";
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

export type UsageSortKey = "time" | "cost" | "tokens" | "duration" | "model";
export const USAGE_SORT_KEYS: readonly UsageSortKey[] = ["time", "cost", "tokens", "duration", "model"];
/** Direction a column sorts in when first chosen: largest first for amounts, A–Z for names. */
export const USAGE_SORT_FIRST_DIR: Record<UsageSortKey, "asc" | "desc"> = { time: "desc", cost: "desc", tokens: "desc", duration: "desc", model: "asc" };
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
  durationMs: number | null;
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
  /** Sort value of the boundary row: ISO time, cost, token count, duration or model (null when absent). */
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
    if (typeof v === "string" && v.length > 512) return null;
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

/** SQL of each sort key and the cast of its cursor value; nullable keys sort their nulls last. */
const SORT_SQL: Record<UsageSortKey, { expr: string; cast: string; nullable: boolean }> = {
  time: { expr: "e.occurred_at", cast: "timestamptz", nullable: false },
  cost: { expr: "e.cost_usd", cast: "numeric", nullable: true },
  tokens: { expr: "(e.input_uncached_tokens + e.cache_read_tokens + e.cache_write_tokens + e.output_tokens)", cast: "bigint", nullable: false },
  duration: { expr: "e.duration_ms", cast: "integer", nullable: true },
  model: { expr: "e.model", cast: "text", nullable: true },
};

/**
 * Keyset predicate and ORDER BY for a sort, walking forwards (`after`) or backwards (`before`)
 * from a cursor. Rows without a value (unpriced cost, no duration, no model) sort last in both
 * directions.
 */
function keyset(w: SqlWhere, sort: UsageSort, cursor: Cursor | null, backwards: boolean): string {
  const forwardDesc = sort.dir === "desc";
  const desc = backwards ? !forwardDesc : forwardDesc;
  const cmp = desc ? "<" : ">";
  const { expr, cast, nullable } = SORT_SQL[sort.key];
  if (!nullable) {
    if (cursor) w.add(`(${expr}, e.id) ${cmp} (${w.param(cursor.v)}::${cast}, ${w.param(cursor.id)}::bigint)`);
    return `${expr} ${desc ? "DESC" : "ASC"}, e.id ${desc ? "DESC" : "ASC"}`;
  }
  // Rows with a value by that value, then those without ("nulls last" walking forwards).
  const nullsLastForward = !backwards;
  if (cursor) {
    const id = `${w.param(cursor.id)}::bigint`;
    if (cursor.v === null) {
      w.add(nullsLastForward ? `(${expr} IS NULL AND e.id ${cmp} ${id})` : `(${expr} IS NOT NULL OR e.id ${cmp} ${id})`);
    } else {
      const v = `${w.param(cursor.v)}::${cast}`;
      w.add(`(${expr} ${cmp} ${v} OR (${expr} = ${v} AND e.id ${cmp} ${id})${nullsLastForward ? ` OR ${expr} IS NULL` : ""})`);
    }
  }
  return `${expr} ${desc ? "DESC" : "ASC"} NULLS ${nullsLastForward ? "LAST" : "FIRST"}, e.id ${desc ? "DESC" : "ASC"}`;
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
  duration: string | null;
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
            e.duration_ms::text AS duration, e.cost_usd::text AS cost, e.priced, e.success, e.over_budget, e.budget_override${extraColumns}
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
    durationMs: r.duration === null ? null : Number(r.duration),
    costUsd: toCostStringOrNull(r.cost),
    priced: r.priced,
    success: r.success,
    overBudget: r.over_budget,
    budgetOverride: r.budget_override,
  };
}

function sortValue(sort: UsageSort, r: UsageLogRow): string | null {
  switch (sort.key) {
    case "time":
      return r.occurredAt;
    case "cost":
      return r.costUsd;
    case "tokens":
      return String(r.inputTokens + r.outputTokens);
    case "duration":
      return r.durationMs === null ? null : String(r.durationMs);
    case "model":
      return r.model;
  }
}

const cursorOf = (sort: UsageSort, r: UsageLogRow): string => encodeCursor({ v: sortValue(sort, r), id: r.id });

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

export interface UsageTotals {
  events: number;
  /** Input (cached included) plus output tokens. */
  tokens: number;
  costUsd: string;
  unpriced: number;
  /** Where the figures were summed: the daily roll-ups (no status filter) or the raw events. */
  source: "rollups" | "events";
}

/**
 * Totals of the filtered set shown above the usage log. Without a status filter they come from the
 * daily roll-ups (same days, same dimensions, exact sums); a status filter sums the raw events.
 */
export async function getUsageTotals(actor: Actor, scope: DashboardScope, filters: UsageLogFilters): Promise<UsageTotals> {
  const { sql } = await getDatabase();
  if (!filters.status) {
    const w = new SqlWhere().orgs("org_id", scopeOrgIds(actor, scope.orgId));
    w.add(`day >= ${w.param(filters.from)}::date AND day <= ${w.param(filters.to)}::date`);
    w.equals("project_key", filters.project).equals("provider", filters.provider).equals("model", filters.model).equals("category", filters.category);
    w.equals("user_external_id", filters.user);
    const [r] = await sql.query<{ events: string; tokens: string; cost: string; unpriced: string }>(
      `SELECT COALESCE(sum(requests), 0)::text AS events,
              COALESCE(sum(input_uncached_tokens + cache_read_tokens + cache_write_tokens + output_tokens), 0)::text AS tokens,
              COALESCE(sum(cost_usd), 0)::text AS cost, COALESCE(sum(unpriced_requests), 0)::text AS unpriced
       FROM daily_rollups ${w.sql}`,
      w.params,
    );
    return { events: Number(r.events), tokens: Number(r.tokens), costUsd: toCostString(r.cost), unpriced: Number(r.unpriced), source: "rollups" };
  }
  const w = eventWhere(actor, scope, filters);
  const [r] = await sql.query<{ events: string; tokens: string; cost: string; unpriced: string }>(
    `SELECT count(*)::text AS events,
            COALESCE(sum(e.input_uncached_tokens + e.cache_read_tokens + e.cache_write_tokens + e.output_tokens), 0)::text AS tokens,
            COALESCE(sum(e.cost_usd), 0)::text AS cost, count(*) FILTER (WHERE NOT e.priced)::text AS unpriced
     FROM usage_events e ${w.sql}`,
    w.params,
  );
  return { events: Number(r.events), tokens: Number(r.tokens), costUsd: toCostString(r.cost), unpriced: Number(r.unpriced), source: "events" };
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
  price: (PriceVersionRates & { id: string; provider: string; model: string; effectiveFrom: string; source: string }) | null;
}

const str = (d: { toString(): string } | null) => (d === null ? null : d.toString());

function redactionCounts(value: unknown): Record<string, number> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "number") out[k] = v;
  return out;
}

/** The internal id of an organisation's event by its client event id (not found when absent or not readable). */
export async function findUsageEventId(actor: Actor, orgId: string, eventId: string): Promise<string> {
  if (!canAccessOrg(actor, orgId, "viewer")) throw new AppError("not_found", "Event not found.");
  const db = await prisma();
  const e = await db.usageEvent.findUnique({ where: { orgId_eventId: { orgId, eventId } }, select: { id: true } });
  if (!e) throw new AppError("not_found", "Event not found.");
  return e.id.toString();
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

type CsvRow = EventRow & { cache_read: string; cache_write: string; reasoning: string; client_cost: string | null };

const CSV_EXTRA = `, e.cache_read_tokens::text AS cache_read, e.cache_write_tokens::text AS cache_write, e.reasoning_tokens::text AS reasoning,
  e.client_cost_usd::text AS client_cost`;

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
          r.duration === null ? null : Number(r.duration),
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
      cursor = { v: sortValue(sort, toRow(rows[rows.length - 1])), id: rows[rows.length - 1].id };
    }
  }
  return chunks();
}
