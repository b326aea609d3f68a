import type { Metadata } from "next";
import { headers } from "next/headers";
import { Suspense } from "react";
import { BreakdownPieChart } from "@/components/charts/breakdown-pie-chart";
import { CostOverTimeChart } from "@/components/charts/cost-over-time-chart";
import { FilterBar } from "@/components/dashboard/filter-bar";
import { FirstEventHelp } from "@/components/dashboard/first-event-help";
import { OpenAlertsList } from "@/components/dashboard/open-alerts";
import { SegmentLinks } from "@/components/dashboard/range-links";
import { StatCards } from "@/components/dashboard/stat-cards";
import { TopOrganisationsTable, TopUsersTable } from "@/components/dashboard/top-tables";
import { CostAnswerTable, PerformanceTable } from "@/components/dashboard/answer-tables";
import { RangePresets } from "@/components/dashboard/range-presets";
import { buttonClass } from "@/components/ui/button";
import { Money } from "@/components/ui/money";
import { previousRange } from "@/lib/dashboard/ranges";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { prepareDailySeries, preparePieSlices, withPreviousPeriod } from "@/lib/dashboard/chart-data";
import { filterQuery, first, parseDashboardFilters, withParams, type SearchParams } from "@/lib/dashboard/filters";
import type { DashboardScope } from "@/lib/server/dashboard";
import { loadOverview, type OverviewWidgets } from "@/lib/server/overview";
import { requireOrgScope } from "@/lib/server/session";

export const metadata: Metadata = { title: "Overview" };

// Each widget awaits its own promise from loadOverview, which started them all at once.

async function StatCardsWidget({ stats }: { stats: OverviewWidgets["stats"] }) {
  const { cards, projection } = await stats;
  return <StatCards cards={cards} projection={projection} />;
}

async function CostOverTimeWidget({ costOverTime, previousPeriod, stacked, usageHref }: Pick<OverviewWidgets, "costOverTime" | "previousPeriod"> & { stacked: boolean; usageHref: string }) {
  const [{ from, to, rows }, previous] = await Promise.all([costOverTime, previousPeriod]);
  const series = withPreviousPeriod(prepareDailySeries(rows, { from, to }), previous.rows, previous);
  if (series.total === "0" && series.previousTotal === "0") return <EmptyState title="No cost in this range">Choose a longer range or fewer filters.</EmptyState>;
  const costliest = [...series.points].filter((p) => p.values.total > 0).sort((a, b) => b.values.total - a.values.total).slice(0, 3);
  const dayLink = (day: string) => withParams(usageHref, { from: day, to: day });
  return (
    <>
      <CostOverTimeChart data={series} stacked={stacked} dayHref={usageHref} label={`Daily cost in USD from ${from} to ${to}${stacked ? ", stacked by provider" : ""}, with the previous period ${previous.from} to ${previous.to} dashed`} />
      <p className="mt-2 text-xs text-muted">
        {from} to {to}: <Money value={series.total} /> · previous period {previous.from} to {previous.to}: <Money value={series.previousTotal} />
        {costliest.length ? " · costliest days: " : ""}
        {costliest.map((p, i) => (
          <span key={p.day}>
            {i ? ", " : ""}
            <a href={dayLink(p.day)} className="text-accent underline underline-offset-2" data-testid="chart-day-link">
              {p.day}
            </a>{" "}
            (<Money value={p.exact.total} />)
          </span>
        ))}
      </p>
    </>
  );
}

async function AnswersWidget({ answers: pending, usageHref }: Pick<OverviewWidgets, "answers"> & { usageHref: string }) {
  const answers = await pending;
  const join = (extra: Record<string, string>) => withParams(usageHref, extra);
  const previousLabel = `${answers.previous.from} to ${answers.previous.to}`;
  return (
    <div className="space-y-6">
      <div className="grid grid-cols-1 gap-6 2xl:grid-cols-2">
        <Card title={`Cost by model · change vs ${previousLabel}`}>
          <CostAnswerTable rows={answers.byModel} dimension="model" previousLabel={previousLabel} hrefFor={(r) => join({ ...(r.provider ? { provider: r.provider } : {}), ...(r.model ? { model: r.model } : {}), sort: "cost", dir: "desc" })} />
        </Card>
        <Card title={`Cost by project · change vs ${previousLabel}`}>
          <CostAnswerTable rows={answers.byProject} dimension="project" previousLabel={previousLabel} hrefFor={(r) => join({ ...(r.project ? { project: r.project } : {}), sort: "cost", dir: "desc" })} />
        </Card>
      </div>
      <Card title="Performance by provider and model">
        <PerformanceTable rows={answers.byModel} hrefFor={(r, failed) => join({ ...(r.provider ? { provider: r.provider } : {}), ...(r.model ? { model: r.model } : {}), ...(failed ? { status: "error" } : {}) })} />
      </Card>
    </div>
  );
}

async function BreakdownWidget({ breakdown, dimension, usageHref }: { breakdown: OverviewWidgets["byProvider"]; dimension: "provider" | "category"; usageHref: string }) {
  const rows = await breakdown;
  const { slices, total } = preparePieSlices(rows);
  if (slices.length === 0) return <EmptyState title="No cost in this range">Change the date range or filters.</EmptyState>;
  return <BreakdownPieChart slices={slices} total={total} label={`Cost by ${dimension}`} drill={{ href: usageHref, param: dimension }} />;
}

async function TopOrganisationsWidget({ topOrganisations, query }: { topOrganisations: NonNullable<OverviewWidgets["topOrganisations"]>; query: Record<string, string | null> }) {
  const rows = await topOrganisations;
  if (rows.length === 0) return <p className="text-sm text-muted">No spend in this range.</p>;
  return <TopOrganisationsTable rows={rows} hrefFor={(slug) => `/usage${filterQuery(query, { org: slug, sort: "cost", dir: "desc" })}`} />;
}

async function TopUsersWidget({ topUsers, showOrg, query }: Pick<OverviewWidgets, "topUsers"> & { showOrg: boolean; query: Record<string, string | null> }) {
  const rows = await topUsers;
  if (rows.length === 0) return <p className="text-sm text-muted">No spend by identified end users in this range. Send a <code className="font-mono">user</code> with each event.</p>;
  return <TopUsersTable rows={rows} showOrg={showOrg} hrefFor={(r) => `/usage${filterQuery(query, { org: r.orgSlug, user: r.userExternalId, sort: "cost", dir: "desc" })}`} />;
}

async function OpenAlertsWidget({ openAlerts, showOrg, alertsHref }: Pick<OverviewWidgets, "openAlerts"> & { showOrg: boolean; alertsHref: string }) {
  const alerts = await openAlerts;
  return <OpenAlertsList alerts={alerts} showOrg={showOrg} alertsHref={alertsHref} />;
}

const rangeDaysOf = (r: { from: string; to: string }) => Math.round((Date.parse(r.to) - Date.parse(r.from)) / 86_400_000) + 1;

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const { actor, org, role } = await requireOrgScope(first(params, "org"), "viewer", { allowAll: true });
  const scope: DashboardScope = { orgId: org?.id ?? null };
  const now = new Date();
  const { filters, error } = parseDashboardFilters(params, now);
  const stacked = first(params, "stack") !== "total";
  const query = { org: org?.slug ?? null, from: filters.from, to: filters.to, project: filters.project, provider: filters.provider, model: filters.model, category: filters.category };
  const viewQuery = { ...query, stack: stacked ? null : "total" };
  // Drill-downs open the usage log with the same range and filters.
  const usageHref = `/usage${filterQuery(query)}`;
  const previous = previousRange(filters);
  const { days, filterOptions: options, widgets } = await loadOverview(actor, scope, filters, now);
  const h = await headers();
  const origin = `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host") ?? "localhost:3000"}`;
  const showOrg = scope.orgId === null;

  return (
    <>
      <PageHeader
        title="Overview"
        description={
          <>
            {org ? org.name : "All organisations"} · {filters.from} to {filters.to}, compared with {previous.from} to {previous.to} · UTC, weeks start on Monday
          </>
        }
        actions={
          <a href={usageHref} className={buttonClass("secondary", "sm")}>
            Usage log of this range
          </a>
        }
      />
      <RangePresets path="/" query={viewQuery} from={filters.from} to={filters.to} />
      <FilterBar path="/" values={filters} options={options} keep={{ org: org?.slug ?? null, stack: viewQuery.stack }} resetHref={`/${filterQuery({ org: org?.slug ?? null })}`} />
      {error ? (
        <p role="alert" className="mb-4 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm text-warning">
          {error}
        </p>
      ) : null}
      {!widgets ? (
        <FirstEventHelp origin={origin} keysHref={role === "viewer" ? null : `/keys${filterQuery({ org: org?.slug ?? null })}`} />
      ) : (
        <div className="space-y-6">
          <div>
            <Suspense fallback={<div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-5">{[0, 1, 2, 3, 4].map((i) => <Skeleton key={i} className="h-32" label="Loading spend figures" />)}</div>}>
              <StatCardsWidget stats={widgets.stats} />
            </Suspense>
            <p className="mt-2 text-xs text-muted">The stat cards always show fixed periods up to today (today, this week, this month, all time); the project, provider, model and category filters apply to them, the date range does not. Everything below follows the range {filters.from} to {filters.to}.</p>
          </div>
          <Card
            title={`Daily cost, ${days < rangeDaysOf(filters) ? `last ${days} days to ` : `${filters.from} to `}${filters.to}`}
            action={
              <div className="flex flex-wrap gap-2">
                <SegmentLinks
                  label="Chart style"
                  items={[
                    { href: `/${filterQuery(viewQuery, { stack: null })}`, label: "By provider", current: stacked },
                    { href: `/${filterQuery(viewQuery, { stack: "total" })}`, label: "Total", current: !stacked },
                  ]}
                />
              </div>
            }
          >
            <Suspense fallback={<Skeleton className="h-72 w-full" label="Loading cost over time" />}>
              <CostOverTimeWidget costOverTime={widgets.costOverTime} previousPeriod={widgets.previousPeriod} stacked={stacked} usageHref={usageHref} />
            </Suspense>
          </Card>
          <div className="grid grid-cols-1 gap-6 xl:grid-cols-2">
            <Card title={`Cost by provider, ${filters.from} to ${filters.to}`}>
              <Suspense fallback={<Skeleton className="h-48 w-full" label="Loading cost by provider" />}>
                <BreakdownWidget breakdown={widgets.byProvider} dimension="provider" usageHref={usageHref} />
              </Suspense>
            </Card>
            <Card title={`Cost by category, ${filters.from} to ${filters.to}`}>
              <Suspense fallback={<Skeleton className="h-48 w-full" label="Loading cost by category" />}>
                <BreakdownWidget breakdown={widgets.byCategory} dimension="category" usageHref={usageHref} />
              </Suspense>
            </Card>
          </div>
          <Suspense fallback={<Skeleton className="h-64 w-full" label="Loading cost by model and project" />}>
            <AnswersWidget answers={widgets.answers} usageHref={usageHref} />
          </Suspense>
          <div className={`grid grid-cols-1 gap-6 ${org ? "lg:grid-cols-[minmax(0,1fr)_20rem]" : "lg:grid-cols-2"}`}>
            {widgets.topOrganisations === null ? null : (
              <Card title="Top 10 organisations">
                <Suspense fallback={<Skeleton className="h-48 w-full" label="Loading top organisations" />}>
                  <TopOrganisationsWidget topOrganisations={widgets.topOrganisations} query={query} />
                </Suspense>
              </Card>
            )}
            <Card title="Top 10 users">
              <Suspense fallback={<Skeleton className="h-48 w-full" label="Loading top users" />}>
                <TopUsersWidget topUsers={widgets.topUsers} showOrg={showOrg} query={query} />
              </Suspense>
            </Card>
            <Card title="Open alerts" className={org ? "" : "lg:col-span-2"}>
              <Suspense fallback={<Skeleton className="h-32 w-full" label="Loading alerts" />}>
                <OpenAlertsWidget openAlerts={widgets.openAlerts} showOrg={showOrg} alertsHref={`/alerts${filterQuery({ org: org?.slug ?? null })}`} />
              </Suspense>
            </Card>
          </div>
        </div>
      )}
    </>
  );
}
