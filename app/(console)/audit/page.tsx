import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { AuditLogTable } from "@/components/audit/audit-log-table";
import { DataTablePagination } from "@/components/data-table/pagination";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { filterQuery, first, parseDateRange, type SearchParams } from "@/lib/dashboard/filters";
import { listAuditFacets, listAuditLog, type AuditLogFilters } from "@/lib/server/audit-log";
import type { Actor } from "@/lib/server/authz";
import { listOrganizations } from "@/lib/server/organizations";
import { requireSuperAdmin } from "@/lib/server/session";

export const metadata: Metadata = { title: "Audit log" };

const control = "block w-full rounded-md border border-border bg-surface px-2 py-1.5 text-sm text-foreground focus:border-accent focus:outline-none";
const PAGE_SIZE = 50;

async function AuditRows({ actor, filters, after, before, query }: { actor: Actor; filters: AuditLogFilters; after: string | null; before: string | null; query: Record<string, string | null> }) {
  const page = await listAuditLog(actor, filters, { after, before, limit: PAGE_SIZE });
  return (
    <>
      <AuditLogTable rows={page.rows} />
      <DataTablePagination
        shown={page.rows.length}
        firstHref={page.previous ? `/audit${filterQuery(query)}` : null}
        previousHref={page.previous ? `/audit${filterQuery(query, { before: page.previous })}` : null}
        nextHref={page.next ? `/audit${filterQuery(query, { after: page.next })}` : null}
        pageSize={PAGE_SIZE}
        pageSizes={[PAGE_SIZE]}
        pageSizeHref={() => `/audit${filterQuery(query)}`}
      />
    </>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireSuperAdmin();
  const params = await searchParams;
  const range = parseDateRange(params, new Date());
  const [facets, orgs] = await Promise.all([listAuditFacets(actor), listOrganizations(actor)]);
  const orgSlug = first(params, "audit_org");
  const org = orgSlug ? orgs.find((o) => o.slug === orgSlug) : undefined;
  const filters: AuditLogFilters = { from: range.from, to: range.to, actor: first(params, "actor"), action: first(params, "action"), orgId: org?.id ?? null };
  const query = { from: range.from, to: range.to, actor: filters.actor ?? null, action: filters.action ?? null, audit_org: org?.slug ?? null };
  const prefixes = [...new Set(facets.actions.map((a) => `${a.split(".")[0]}.`))];
  return (
    <>
      <PageHeader title="Audit log" description="Every administrative change: who, what, before and after, when (UTC) and from where." />
      <form method="get" action="/audit" aria-label="Filters" className="mb-6 rounded-lg border border-border bg-surface p-3 shadow-sm">
        <div className="flex flex-wrap items-end gap-3 [&>label]:w-[calc(50%-0.375rem)] md:[&>label]:w-44">
          <label className="min-w-0 space-y-1 text-sm">
            <span className="block text-xs font-medium text-muted">From (UTC)</span>
            <input type="text" name="from" defaultValue={range.from} placeholder="YYYY-MM-DD" pattern="\d{4}-\d{2}-\d{2}" className={`${control} font-mono`} />
          </label>
          <label className="min-w-0 space-y-1 text-sm">
            <span className="block text-xs font-medium text-muted">To (UTC)</span>
            <input type="text" name="to" defaultValue={range.to} placeholder="YYYY-MM-DD" pattern="\d{4}-\d{2}-\d{2}" className={`${control} font-mono`} />
          </label>
          <label className="min-w-0 space-y-1 text-sm">
            <span className="block text-xs font-medium text-muted">Actor</span>
            <input name="actor" list="audit-actors" defaultValue={filters.actor ?? ""} placeholder="email or cli" className={control} />
            <datalist id="audit-actors">
              {facets.actors.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </label>
          <label className="min-w-0 space-y-1 text-sm">
            <span className="block text-xs font-medium text-muted">Action</span>
            <select name="action" defaultValue={filters.action ?? ""} className={control}>
              <option value="">All</option>
              {prefixes.map((p) => (
                <option key={p} value={p}>
                  {p}* (all)
                </option>
              ))}
              {facets.actions.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <label className="min-w-0 space-y-1 text-sm">
            <span className="block text-xs font-medium text-muted">In organisation</span>
            <select name="audit_org" defaultValue={org?.slug ?? ""} className={control}>
              <option value="">All</option>
              {orgs.map((o) => (
                <option key={o.slug} value={o.slug}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          <div className="flex w-full items-end gap-2 md:w-auto">
            <button type="submit" className={buttonClass("primary", "sm")}>
              Apply
            </button>
            <Link href="/audit" className={buttonClass("ghost", "sm")}>
              Reset
            </Link>
          </div>
        </div>
      </form>
      {range.error ? (
        <p role="alert" className="mb-4 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm text-warning">
          {range.error}
        </p>
      ) : null}
      <Suspense key={JSON.stringify([query, params.after, params.before])} fallback={<Skeleton className="h-96 w-full" label="Loading audit log" />}>
        <AuditRows actor={actor} filters={filters} after={first(params, "after")} before={first(params, "before")} query={query} />
      </Suspense>
    </>
  );
}
