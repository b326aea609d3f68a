import type { Metadata } from "next";
import { Suspense } from "react";
import { FilterBar } from "@/components/dashboard/filter-bar";
import { DataTablePagination } from "@/components/data-table/pagination";
import { DataTableToolbar } from "@/components/data-table/toolbar";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { UsageLogTable } from "@/components/usage/usage-log-table";
import { filterQuery, type SearchParams } from "@/lib/dashboard/filters";
import type { Actor } from "@/lib/server/authz";
import { getFilterOptions, type DashboardScope } from "@/lib/server/dashboard";
import { getUsageTotals, listUsageEvents, USAGE_PAGE_SIZES, type UsageLogFilters, type UsageSort } from "@/lib/server/usage-log";
import { SegmentLinks } from "@/components/dashboard/range-links";
import { RangePresets } from "@/components/dashboard/range-presets";
import { Money } from "@/components/ui/money";
import { requireOrgScope } from "@/lib/server/session";
import { parseUsageParams } from "./usage-params";

export const metadata: Metadata = { title: "Usage log" };

const control = "block w-full rounded-md border border-border bg-surface px-2 py-1.5 text-sm text-foreground focus:border-accent focus:outline-none";

async function UsagePage({ actor, scope, filters, sort, pageSize, after, before, query }: {
  actor: Actor;
  scope: DashboardScope;
  filters: UsageLogFilters;
  sort: UsageSort;
  pageSize: number;
  after: string | null;
  before: string | null;
  query: Record<string, string | null>;
}) {
  const [page, totals] = await Promise.all([listUsageEvents(actor, scope, filters, { sort, after, before, limit: pageSize }), getUsageTotals(actor, scope, filters)]);
  const pageQuery = { ...query, sort: sort.key === "time" && sort.dir === "desc" ? null : sort.key, dir: sort.key === "time" && sort.dir === "desc" ? null : sort.dir, size: pageSize === 50 ? null : String(pageSize) };
  const sortHref = (key: string, dir: string) => `/usage${filterQuery(pageQuery, { sort: key === "time" ? null : key, dir: key === "time" ? null : dir })}`;
  return (
    <>
      <dl className="mb-3 grid grid-cols-3 gap-2 rounded-lg border border-border bg-surface p-3 text-sm shadow-sm sm:flex sm:gap-8" aria-label="Totals of the filtered events" data-testid="usage-totals">
        <div>
          <dt className="text-xs text-muted">Events</dt>
          <dd className="font-semibold tabular-nums" data-testid="usage-total-events">{totals.events.toLocaleString("en-US")}</dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Tokens</dt>
          <dd className="font-semibold tabular-nums" data-testid="usage-total-tokens">{totals.tokens.toLocaleString("en-US")}</dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Cost</dt>
          <dd className="font-semibold" data-testid="usage-total-cost"><Money value={totals.costUsd} cents /></dd>
        </div>
        {totals.unpriced > 0 ? (
          <div className="col-span-3 sm:col-span-1">
            <dt className="text-xs text-muted">Unpriced</dt>
            <dd className="font-semibold tabular-nums text-warning">{totals.unpriced.toLocaleString("en-US")} events</dd>
          </div>
        ) : null}
      </dl>
      <div className="mb-2 md:hidden">
        <SegmentLinks
          label="Sort events"
          items={[
            { href: sortHref("time", "desc"), label: "Newest", current: sort.key === "time" },
            { href: sortHref("cost", "desc"), label: "Costliest", current: sort.key === "cost" },
            { href: sortHref("tokens", "desc"), label: "Most tokens", current: sort.key === "tokens" },
            { href: sortHref("duration", "desc"), label: "Slowest", current: sort.key === "duration" },
          ]}
        />
      </div>
      <UsageLogTable rows={page.rows} sort={sort} showOrganisation={scope.orgId === null} />
      <DataTablePagination
        shown={page.rows.length}
        firstHref={page.previous ? `/usage${filterQuery(pageQuery)}` : null}
        previousHref={page.previous ? `/usage${filterQuery(pageQuery, { before: page.previous })}` : null}
        nextHref={page.next ? `/usage${filterQuery(pageQuery, { after: page.next })}` : null}
        pageSize={pageSize}
        pageSizes={USAGE_PAGE_SIZES}
        pageSizeHref={(s) => `/usage${filterQuery(pageQuery, { size: s === 50 ? null : String(s) })}`}
      />
    </>
  );
}

export default async function UsageLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const parsed = parseUsageParams(params);
  const { actor, org } = await requireOrgScope(parsed.orgSlug, "viewer", { allowAll: true });
  const scope: DashboardScope = { orgId: org?.id ?? null };
  const { filters, sort } = parsed;
  const options = await getFilterOptions(actor, scope);
  const query = {
    org: org?.slug ?? null,
    from: filters.from,
    to: filters.to,
    project: filters.project,
    provider: filters.provider,
    model: filters.model,
    category: filters.category,
    user: filters.user,
    status: filters.status,
  };
  const exportQuery = { ...query, sort: sort.key, dir: sort.dir };
  return (
    <>
      <PageHeader title="Usage log" description={<>Every recorded AI call{org ? ` of ${org.name}` : " of all organisations"}, newest first. Times are UTC.</>} />
      <RangePresets path="/usage" query={{ ...query, sort: params.sort ? sort.key : null, dir: params.dir ? sort.dir : null }} from={filters.from} to={filters.to} />
      <FilterBar path="/usage" values={filters} options={options} keep={{ org: org?.slug ?? null, sort: params.sort ? sort.key : null, dir: params.dir ? sort.dir : null }} resetHref={`/usage${filterQuery({ org: org?.slug ?? null })}`}>
        <label className="min-w-0 space-y-1 text-sm">
          <span className="block text-xs font-medium text-muted">User</span>
          <input name="user" defaultValue={filters.user ?? ""} placeholder="external id" className={control} />
        </label>
        <label className="min-w-0 space-y-1 text-sm">
          <span className="block text-xs font-medium text-muted">Status</span>
          <select name="status" defaultValue={filters.status ?? ""} className={control}>
            <option value="">All</option>
            <option value="success">Succeeded</option>
            <option value="error">Failed</option>
            <option value="unpriced">Unpriced</option>
            <option value="over_budget">Over budget</option>
          </select>
        </label>
      </FilterBar>
      {parsed.error ? (
        <p role="alert" className="mb-4 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm text-warning">
          {parsed.error}
        </p>
      ) : null}
      <DataTableToolbar summary={`${filters.from} to ${filters.to} (UTC), sorted by ${sort.key} ${sort.dir === "desc" ? "descending" : "ascending"}`}>
        <a href={`/${filterQuery({ ...query, user: null, status: null })}`} className={buttonClass("ghost", "sm")}>
          Overview of this range
        </a>
        <a href={`/usage/export${filterQuery(exportQuery)}`} className={buttonClass("secondary", "sm")} download>
          Export CSV
        </a>
      </DataTableToolbar>
      <Suspense key={JSON.stringify([query, sort, parsed.after, parsed.before, parsed.pageSize])} fallback={<Skeleton className="h-96 w-full" label="Loading events" />}>
        <UsagePage actor={actor} scope={scope} filters={filters} sort={sort} pageSize={parsed.pageSize} after={parsed.after} before={parsed.before} query={query} />
      </Suspense>
    </>
  );
}
