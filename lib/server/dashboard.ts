// Overview read model (SPEC §7). Every figure comes from the daily and monthly roll-ups, never
// from a scan of usage_events, so the page stays fast at ten million events (SPEC §8). Money
// leaves as exact decimal strings; pages format it.
import { getDatabase } from "@/lib/db/client";
import { dec, toCostString, type Decimal, type DecimalLike } from "@/lib/money";
import { addDays, addMonths, daysBetween, isoDay, startOfMonth } from "@/lib/dashboard/dates";
import { mergeDayRanges, type DayRange } from "@/lib/dashboard/rollup-range";
import type { DailyCostRow, BreakdownRow } from "@/lib/dashboard/chart-data";
import type { DashboardFilters } from "@/lib/dashboard/filters";
import { statPeriods, type StatPeriodKey } from "@/lib/dashboard/periods";
import { projectMonthEnd, type MonthEndProjection } from "@/lib/dashboard/projection";
import { previousRange, rangeDays } from "@/lib/dashboard/ranges";
import { listAlerts, type AlertRow } from "./alerts";
import { autoResolveBudgetAlerts } from "./alerts-auto-resolve";
import type { Actor } from "./authz";
import { rollupRangeSource, scopeOrgIds, SqlWhere } from "./dashboard-scope";

/** The organisation a page shows (null: every organisation the actor may read). */
export interface DashboardScope {
  orgId: string | null;
}

type Filters = Pick<DashboardFilters, "from" | "to" | "project" | "provider" | "model" | "category">;

async function query<T>(text: string, params: unknown[]): Promise<T[]> {
  const { sql } = await getDatabase();
  return sql.query<T>(text, params);
}

/** Roll-up predicates for the dimension filters (roll-ups store '' for "none"). */
function rollupWhere(actor: Actor, scope: DashboardScope, filters: Partial<Filters>): SqlWhere {
  return new SqlWhere()
    .orgs("org_id", scopeOrgIds(actor, scope.orgId))
    .equals("project_key", filters.project)
    .equals("provider", filters.provider)
    .equals("model", filters.model)
    .equals("category", filters.category);
}

export interface StatCard {
  key: StatPeriodKey;
  label: string;
  costUsd: string;
  requests: number;
  previousCostUsd: string | null;
  comparison: string;
}

export interface StatCards {
  cards: StatCard[];
  projection: MonthEndProjection;
}

/** The daily ranges the stat cards need around `now` (last month's first n days see below). */
function statDailyRanges(now: Date) {
  const periods = statPeriods(now);
  const byKey = Object.fromEntries(periods.map((p) => [p.key, p])) as Record<StatPeriodKey, (typeof periods)[number]>;
  const today = byKey.today.current.to;
  const monthStart = startOfMonth(today);
  const prevMonthStart = addMonths(today, -1);
  const prevMonthEnd = addDays(monthStart, -1);
  const prevPartialTo = byKey.month.previous!.to;
  // Last month's first n days: summed directly when short, else the whole month minus its tail.
  const prevByTail = prevPartialTo !== prevMonthEnd && daysBetween(prevMonthStart, prevPartialTo) >= 15;
  const ranges: Record<"today" | "yesterday" | "week" | "prevweek", DayRange> & { prevmonth: DayRange | null } = {
    today: [today, today],
    yesterday: [byKey.today.previous!.from!, byKey.today.previous!.to],
    week: [byKey.week.current.from!, today],
    prevweek: [byKey.week.previous!.from!, byKey.week.previous!.to],
    prevmonth: prevPartialTo === prevMonthEnd ? null : prevByTail ? [addDays(prevPartialTo, 1), prevMonthEnd] : [prevMonthStart, prevPartialTo],
  };
  return { periods, today, monthStart, prevMonthStart, prevByTail, ranges };
}

/** Cost and requests per day and provider: the one daily roll-up scan the overview makes. */
export interface DailyProviderTotals {
  ranges: DayRange[];
  rows: { day: string; provider: string; cost: string; requests: string }[];
}

/** Daily totals by provider for the union of `ranges` (stat cards and the chart share one read). */
export async function loadDailyProviderTotals(actor: Actor, scope: DashboardScope, filters: Partial<Filters>, ranges: DayRange[]): Promise<DailyProviderTotals> {
  const where = rollupWhere(actor, scope, filters);
  where.add(`(${mergeDayRanges(ranges).map(([from, to]) => `day BETWEEN ${where.param(from)}::date AND ${where.param(to)}::date`).join(" OR ")})`);
  const rows = await query<{ day: string; provider: string; cost: string; requests: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, provider, sum(cost_usd)::text AS cost, sum(requests)::text AS requests
     FROM daily_rollups ${where.sql} GROUP BY day, provider ORDER BY day, provider`,
    where.params,
  );
  return { ranges, rows };
}

function covers(totals: DailyProviderTotals, [from, to]: DayRange): boolean {
  return totals.ranges.some(([a, b]) => a <= from && b >= to);
}

function sumRange(totals: DailyProviderTotals, [from, to]: DayRange): { cost: Decimal; requests: number } {
  let cost = dec(0);
  let requests = 0;
  for (const r of totals.rows) {
    if (r.day < from || r.day > to) continue;
    cost = cost.plus(dec(r.cost));
    requests += Number(r.requests);
  }
  return { cost, requests };
}

/** The days the overview (lib/server/overview.ts) reads from the daily roll-ups: the stat cards', the chart's and the chart's previous period. */
export function overviewDailyRanges(filters: Pick<Filters, "to">, days: number, now = new Date()): DayRange[] {
  const { ranges } = statDailyRanges(now);
  const from = addDays(filters.to, -(days - 1));
  const previous = previousRange({ from, to: filters.to });
  return [...Object.values(ranges).filter((r): r is DayRange => r !== null), [from, filters.to], [previous.from, previous.to]];
}

/** Daily totals of the period before the chart's range (same length), from `daily` when it covers them. */
export async function getPreviousPeriodCost(actor: Actor, scope: DashboardScope, filters: Filters, days: number, daily?: DailyProviderTotals): Promise<{ from: string; to: string; rows: { day: string; cost: string }[] }> {
  const previous = previousRange({ from: addDays(filters.to, -(days - 1)), to: filters.to });
  const range: DayRange = [previous.from, previous.to];
  const totals = daily && covers(daily, range) ? daily : await loadDailyProviderTotals(actor, scope, filters, [range]);
  return { ...previous, rows: totals.rows.filter((r) => r.day >= previous.from && r.day <= previous.to).map((r) => ({ day: r.day, cost: toCostString(r.cost) })) };
}

/**
 * Today, this week, this month and all time, each with the previous period (see
 * lib/dashboard/periods). Days come from `daily` (loaded here when not given), months from the
 * monthly roll-ups.
 */
export async function getStatCards(actor: Actor, scope: DashboardScope, filters: Partial<Filters>, now = new Date(), daily?: DailyProviderTotals): Promise<StatCards> {
  const { periods, monthStart, prevMonthStart, prevByTail, ranges } = statDailyRanges(now);
  const needed = Object.values(ranges).filter((r): r is DayRange => r !== null);
  const monthly = rollupWhere(actor, scope, filters);
  const cur = monthly.param(monthStart);
  const prev = monthly.param(prevMonthStart);
  const [d, [m]] = await Promise.all([
    daily && needed.every((r) => covers(daily, r)) ? daily : loadDailyProviderTotals(actor, scope, filters, needed),
    query<Record<string, string>>(
      `SELECT COALESCE(sum(cost_usd), 0)::text AS all_cost, COALESCE(sum(requests), 0)::text AS all_requests,
              COALESCE(sum(cost_usd) FILTER (WHERE month < ${cur}::date), 0)::text AS before_cost,
              COALESCE(sum(cost_usd) FILTER (WHERE month = ${cur}::date), 0)::text AS month_cost,
              COALESCE(sum(requests) FILTER (WHERE month = ${cur}::date), 0)::text AS month_requests,
              COALESCE(sum(cost_usd) FILTER (WHERE month = ${prev}::date), 0)::text AS prevmonth_whole
       FROM monthly_rollups ${monthly.sql}`,
      monthly.params,
    ),
  ]);
  const partial = ranges.prevmonth ? sumRange(d, ranges.prevmonth).cost : null;
  const prevMonth = partial === null ? dec(m.prevmonth_whole) : prevByTail ? dec(m.prevmonth_whole).minus(partial) : partial;
  const today = sumRange(d, ranges.today);
  const week = sumRange(d, ranges.week);
  const figures: Record<StatPeriodKey, { cost: DecimalLike; requests: number | string; previous: DecimalLike }> = {
    today: { cost: today.cost, requests: today.requests, previous: sumRange(d, ranges.yesterday).cost },
    week: { cost: week.cost, requests: week.requests, previous: sumRange(d, ranges.prevweek).cost },
    month: { cost: m.month_cost, requests: m.month_requests, previous: prevMonth },
    all: { cost: m.all_cost, requests: m.all_requests, previous: m.before_cost },
  };
  const cards: StatCard[] = periods.map((p) => ({
    key: p.key,
    label: p.label,
    costUsd: toCostString(figures[p.key].cost),
    requests: Number(figures[p.key].requests),
    previousCostUsd: toCostString(figures[p.key].previous),
    comparison: p.comparison,
  }));
  return { cards, projection: projectMonthEnd(cards.find((c) => c.key === "month")!.costUsd, now) };
}

/** Daily cost by provider for the `days` days ending at `to` (inclusive), from `daily` when it covers them. */
export async function getCostOverTime(actor: Actor, scope: DashboardScope, filters: Filters, days: number, daily?: DailyProviderTotals): Promise<{ from: string; to: string; rows: DailyCostRow[] }> {
  const to = filters.to;
  const from = addDays(to, -(days - 1));
  const totals = daily && covers(daily, [from, to]) ? daily : await loadDailyProviderTotals(actor, scope, filters, [[from, to]]);
  const rows = totals.rows.filter((r) => r.day >= from && r.day <= to).map((r) => ({ day: r.day, series: r.provider, cost: toCostString(r.cost) }));
  return { from, to, rows };
}

export type BreakdownDimension = "provider" | "category" | "model" | "project";
const BREAKDOWN_COLUMN: Record<BreakdownDimension, string> = { provider: "provider", category: "category", model: "model", project: "project_key" };

/** Cost and requests per provider / category / model / project over the selected range. */
export async function getCostBreakdown(actor: Actor, scope: DashboardScope, filters: Filters, dimension: BreakdownDimension, now = new Date()): Promise<BreakdownRow[]> {
  const where = rollupWhere(actor, scope, filters);
  const source = rollupRangeSource(where, filters.from, filters.to, isoDay(now), [`${BREAKDOWN_COLUMN[dimension]} AS key`], { cost: "cost_usd", requests: "requests" });
  const rows = await query<{ key: string; cost: string; requests: string }>(
    `SELECT key, sum(cost)::text AS cost, sum(requests)::text AS requests
     FROM ${source} GROUP BY key HAVING sum(requests) > 0 ORDER BY sum(cost) DESC, key`,
    where.params,
  );
  return rows.map((r) => ({ key: r.key, cost: toCostString(r.cost), requests: Number(r.requests) }));
}

export interface TopOrganisation {
  orgId: string;
  slug: string;
  name: string;
  costUsd: string;
  requests: number;
}

/** The organisations with the highest spend over the selected range. */
export async function getTopOrganisations(actor: Actor, scope: DashboardScope, filters: Filters, limit = 10, now = new Date()): Promise<TopOrganisation[]> {
  const where = rollupWhere(actor, scope, filters);
  const source = rollupRangeSource(where, filters.from, filters.to, isoDay(now), ["org_id"], { cost: "cost_usd", requests: "requests" });
  const rows = await query<{ org_id: string; slug: string; name: string; cost: string; requests: string }>(
    `SELECT t.org_id, o.slug, o.name, t.cost::text AS cost, t.requests::text AS requests
     FROM (SELECT org_id, sum(cost) AS cost, sum(requests) AS requests FROM ${source}
           GROUP BY org_id HAVING sum(requests) > 0 ORDER BY sum(cost) DESC, org_id LIMIT ${where.param(limit)}) t
     JOIN organizations o ON o.id = t.org_id
     ORDER BY t.cost DESC, o.name`,
    where.params,
  );
  return rows.map((r) => ({ orgId: r.org_id, slug: r.slug, name: r.name, costUsd: toCostString(r.cost), requests: Number(r.requests) }));
}

export interface TopUser {
  orgId: string;
  orgSlug: string;
  userExternalId: string;
  email: string | null;
  name: string | null;
  costUsd: string;
  requests: number;
}

/** The end users with the highest spend over the selected range (events without a user are left out). */
export async function getTopUsers(actor: Actor, scope: DashboardScope, filters: Filters, limit = 10, now = new Date()): Promise<TopUser[]> {
  const where = rollupWhere(actor, scope, filters).add("user_external_id <> ''");
  const source = rollupRangeSource(where, filters.from, filters.to, isoDay(now), ["org_id", "user_external_id"], { cost: "cost_usd", requests: "requests" });
  const rows = await query<{ org_id: string; slug: string; external_id: string; email: string | null; name: string | null; cost: string; requests: string }>(
    `SELECT t.org_id, o.slug, t.user_external_id AS external_id, u.email, u.name, t.cost::text AS cost, t.requests::text AS requests
     FROM (SELECT org_id, user_external_id, sum(cost) AS cost, sum(requests) AS requests FROM ${source}
           GROUP BY org_id, user_external_id HAVING sum(requests) > 0 ORDER BY sum(cost) DESC, org_id, user_external_id LIMIT ${where.param(limit)}) t
     JOIN organizations o ON o.id = t.org_id
     LEFT JOIN end_users u ON u.org_id = t.org_id AND u.external_id = t.user_external_id
     ORDER BY t.cost DESC, t.user_external_id`,
    where.params,
  );
  return rows.map((r) => ({ orgId: r.org_id, orgSlug: r.slug, userExternalId: r.external_id, email: r.email, name: r.name, costUsd: toCostString(r.cost), requests: Number(r.requests) }));
}

/** Open and acknowledged alerts, newest first (budget alerts whose cause is gone resolve themselves first). */
export async function getOpenAlerts(actor: Actor, scope: DashboardScope, limit = 5): Promise<AlertRow[]> {
  await autoResolveBudgetAlerts(scopeOrgIds(actor, scope.orgId));
  return listAlerts(actor, { orgId: scope.orgId ?? undefined, status: "unresolved", limit });
}

export interface FilterOptions {
  projects: string[];
  providers: string[];
  models: string[];
  categories: string[];
}

/** Values the filter menus offer: every dimension seen in the monthly roll-ups of the scope. */
export async function getFilterOptions(actor: Actor, scope: DashboardScope): Promise<FilterOptions> {
  const where = rollupWhere(actor, scope, {});
  const rows = await query<{ kind: string; value: string }>(
    `WITH r AS (SELECT DISTINCT project_key, provider, model, category FROM monthly_rollups ${where.sql})
     SELECT 'project' AS kind, project_key AS value FROM r WHERE project_key <> '' UNION
     SELECT 'provider', provider FROM r WHERE provider <> '' UNION
     SELECT 'model', model FROM r WHERE model <> '' UNION
     SELECT 'category', category FROM r WHERE category <> ''
     ORDER BY 1, 2`,
    where.params,
  );
  const pick = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.value);
  return { projects: pick("project"), providers: pick("provider"), models: pick("model"), categories: pick("category") };
}

/** Whether any usage was ever recorded in the scope (decides the "send your first event" state). */
export async function hasAnyUsage(actor: Actor, scope: DashboardScope): Promise<boolean> {
  const where = rollupWhere(actor, scope, {});
  const rows = await query<{ one: number }>(`SELECT 1 AS one FROM monthly_rollups ${where.sql} LIMIT 1`, where.params);
  return rows.length > 0;
}

/** Days the overview chart shows: the selected range, at most a year (the chart's last 366 days). */
export function chartDays(filters: Pick<Filters, "from" | "to">): number {
  return Math.min(rangeDays(filters), 366);
}
