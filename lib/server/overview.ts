// The overview page's data (SPEC §7): every query the page runs, started here and nowhere else, so
// that the console bench (scripts/bench/console.ts) times exactly what the page runs (SPEC §9:
// ≤ 150 ms server time with 10 million events, all of the page's queries).
import type { DashboardFilters } from "@/lib/dashboard/filters";
import { getAnswers, type Answers } from "./dashboard-answers";
import {
  chartDays,
  getCostBreakdown,
  getCostOverTime,
  getFilterOptions,
  getOpenAlerts,
  getPreviousPeriodCost,
  getStatCards,
  getTopOrganisations,
  getTopUsers,
  hasAnyUsage,
  loadDailyProviderTotals,
  overviewDailyRanges,
  type DashboardScope,
  type FilterOptions,
  type StatCards,
  type TopOrganisation,
  type TopUser,
} from "./dashboard";
import type { AlertRow } from "./alerts";
import type { Actor } from "./authz";
import type { BreakdownRow } from "@/lib/dashboard/chart-data";
import { scopeOrgIds } from "./dashboard-scope";

type Filters = Pick<DashboardFilters, "from" | "to" | "project" | "provider" | "model" | "category">;

/** The widgets below the filter bar, each a promise the page awaits in its own Suspense boundary. */
export interface OverviewWidgets {
  stats: Promise<StatCards>;
  costOverTime: Promise<Awaited<ReturnType<typeof getCostOverTime>>>;
  previousPeriod: Promise<Awaited<ReturnType<typeof getPreviousPeriodCost>>>;
  byProvider: Promise<BreakdownRow[]>;
  byCategory: Promise<BreakdownRow[]>;
  answers: Promise<Answers>;
  /** Null for one organisation: the page shows the top organisations only across organisations. */
  topOrganisations: Promise<TopOrganisation[]> | null;
  topUsers: Promise<TopUser[]>;
  openAlerts: Promise<AlertRow[]>;
}

export interface OverviewLoad {
  /** Days the chart shows (the selected range, at most a year). */
  days: number;
  filterOptions: FilterOptions;
  anyUsage: boolean;
  /** Null when the scope has no usage yet (the page shows how to send the first event instead). */
  widgets: OverviewWidgets | null;
}

/**
 * Loads the overview: the filter options and whether there is any usage (awaited: the page needs
 * them before it renders anything), then starts every widget's queries at once and returns their
 * promises unawaited, so the page can stream each widget as it arrives. Stat cards, chart and
 * previous period share one read of the daily roll-ups.
 */
export async function loadOverview(actor: Actor, scope: DashboardScope, filters: Filters, now = new Date()): Promise<OverviewLoad> {
  // Refuses an organisation the actor may not read before any query starts (each query checks again).
  scopeOrgIds(actor, scope.orgId);
  const days = chartDays(filters);
  const [filterOptions, anyUsage] = await Promise.all([getFilterOptions(actor, scope), hasAnyUsage(actor, scope)]);
  if (!anyUsage) return { days, filterOptions, anyUsage, widgets: null };
  const daily = loadDailyProviderTotals(actor, scope, filters, overviewDailyRanges(filters, days, now));
  const widgets: OverviewWidgets = {
    stats: daily.then((d) => getStatCards(actor, scope, filters, now, d)),
    costOverTime: daily.then((d) => getCostOverTime(actor, scope, filters, days, d)),
    previousPeriod: daily.then((d) => getPreviousPeriodCost(actor, scope, filters, days, d)),
    byProvider: getCostBreakdown(actor, scope, filters, "provider", now),
    byCategory: getCostBreakdown(actor, scope, filters, "category", now),
    answers: getAnswers(actor, scope, filters, now),
    topOrganisations: scope.orgId === null ? getTopOrganisations(actor, scope, filters, 10, now) : null,
    topUsers: getTopUsers(actor, scope, filters, 10, now),
    openAlerts: getOpenAlerts(actor, scope),
  };
  // Each promise is awaited inside its Suspense boundary, where a failure surfaces; until then
  // it must not count as an unhandled rejection.
  for (const p of Object.values(widgets)) p?.catch(() => {});
  return { days, filterOptions, anyUsage, widgets };
}

export interface Overview {
  days: number;
  filterOptions: FilterOptions;
  anyUsage: boolean;
  widgets: { [K in keyof OverviewWidgets]: Awaited<OverviewWidgets[K]> } | null;
}

/** The whole overview, every widget awaited (what the page has sent once its last boundary resolves). */
export async function getOverview(actor: Actor, scope: DashboardScope, filters: Filters, now = new Date()): Promise<Overview> {
  const load = await loadOverview(actor, scope, filters, now);
  if (!load.widgets) return { ...load, widgets: null };
  const w = load.widgets;
  const [stats, costOverTime, previousPeriod, byProvider, byCategory, answers, topOrganisations, topUsers, openAlerts] = await Promise.all([
    w.stats,
    w.costOverTime,
    w.previousPeriod,
    w.byProvider,
    w.byCategory,
    w.answers,
    w.topOrganisations,
    w.topUsers,
    w.openAlerts,
  ]);
  return { ...load, widgets: { stats, costOverTime, previousPeriod, byProvider, byCategory, answers, topOrganisations, topUsers, openAlerts } };
}
