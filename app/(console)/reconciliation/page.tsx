// Reconciliation (SPEC §7): the bills:reconcile table for a range, rows outside tolerance first,
// billed vs tracked per day, the token-type split, the likely cause per row, and bill upload.
// Owners/admins of the organisation and super admins; viewers and other organisations get 404.
import type { Metadata } from "next";
import { Suspense } from "react";
import { BilledVsTrackedChart } from "@/components/reconciliation/billed-vs-tracked-chart";
import { ReconciliationTable } from "@/components/reconciliation/reconciliation-table";
import { UploadBillForm } from "@/components/reconciliation/upload-bill-form";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { dailyTotals, worstFirst } from "@/lib/bills/reconcile";
import { parseDateRange, first, type SearchParams } from "@/lib/dashboard/filters";
import { formatUsd, sum } from "@/lib/money";
import { listBillImports } from "@/lib/server/bills/import-bill";
import { reconcileBills } from "@/lib/server/bills/reconcile-bills";
import type { Actor } from "@/lib/server/authz";
import { requireOrgScope } from "@/lib/server/session";
import { PageBodySkeleton } from "@/components/ui/skeleton";
import { CellLabel, stackedBody, stackedHead, stackedTable, stackedWide } from "@/components/ui/stacked-table";

export const metadata: Metadata = { title: "Reconciliation" };

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg border border-border bg-surface p-4 shadow-sm">
      <p className="text-xs text-muted">{label}</p>
      <p className="mt-1 text-xl font-semibold tabular-nums">{value}</p>
      {hint ? <p className="mt-1 text-xs text-muted">{hint}</p> : null}
    </div>
  );
}

export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const { actor, org } = await requireOrgScope(first(params, "org"), "admin");
  if (!org) {
    return (
      <>
        <PageHeader title="Reconciliation" />
        <EmptyState title="No organisation yet">Create an organisation first.</EmptyState>
      </>
    );
  }
  const range = parseDateRange(params, new Date());
  return (
    <>
      <PageHeader
        title="Reconciliation"
        description={
          <>
            What {org.name}&apos;s providers billed against what Spendline tracked, per UTC day and model. Within tolerance: the difference is at most $0.01 or 1 % of the bill.
          </>
        }
      />
      <form method="get" className="mb-6 flex flex-wrap items-end gap-3 text-sm" aria-label="Date range">
        <input type="hidden" name="org" value={org.slug} />
        <label className="space-y-1">
          <span className="block text-xs text-muted">From (UTC)</span>
          <input type="date" name="from" defaultValue={range.from} className="rounded-md border border-border bg-surface px-2 py-1.5" />
        </label>
        <label className="space-y-1">
          <span className="block text-xs text-muted">To (UTC)</span>
          <input type="date" name="to" defaultValue={range.to} className="rounded-md border border-border bg-surface px-2 py-1.5" />
        </label>
        <button type="submit" className="h-9 rounded-md border border-border px-3 font-medium hover:bg-surface-muted">
          Show
        </button>
        {range.error ? (
          <p role="alert" className="text-sm text-warning">
            {range.error}
          </p>
        ) : null}
      </form>
      <Suspense key={`${org.id}:${range.from}:${range.to}`} fallback={<PageBodySkeleton aside label="Loading the reconciliation" />}>
        <ReconciliationBody actor={actor} org={org} range={range} />
      </Suspense>
    </>
  );
}

async function ReconciliationBody({ actor, org, range }: { actor: Actor; org: { id: string; slug: string }; range: { from: string; to: string } }) {
  const [rows, imports] = await Promise.all([reconcileBills(actor, { orgId: org.id, from: range.from, to: range.to }), listBillImports(actor, org.id, 10)]);
  const ordered = worstFirst(rows);
  const outside = rows.filter((r) => r.status !== "ok").length;
  const billed = sum(rows.map((r) => r.billedUsd));
  const tracked = sum(rows.map((r) => r.trackedUsd));
  return (
    <>
      <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Billed" value={formatUsd(billed)} />
        <Stat label="Tracked" value={formatUsd(tracked)} />
        <Stat label="Difference (tracked − billed)" value={formatUsd(tracked.minus(billed))} />
        <Stat label="Rows outside tolerance" value={`${outside} of ${rows.length}`} />
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Card title="Billed vs tracked per day">
          {rows.length === 0 ? (
            <EmptyState title="Nothing billed or tracked in this range">Import a bill to compare it with tracked spend.</EmptyState>
          ) : (
            <BilledVsTrackedChart data={dailyTotals(rows)} label={`Billed and tracked USD per day from ${range.from} to ${range.to}`} />
          )}
        </Card>
        <Card title="Import a bill">
          <UploadBillForm orgId={org.id} />
        </Card>
      </div>
      <Card className="mt-6" title={`By day and model (${rows.length} row${rows.length === 1 ? "" : "s"}, gaps first)`}>
        {rows.length === 0 ? (
          <EmptyState title="No rows">
            Import the provider&apos;s cost report here, or with <code className="font-mono">npx spendline bills:import</code> / <code className="font-mono">bills:fetch</code>.
          </EmptyState>
        ) : (
          <ReconciliationTable rows={ordered} orgSlug={org.slug} />
        )}
      </Card>
      <Card className="mt-6" title="Recent bill imports">
        {imports.length === 0 ? (
          <p className="text-sm text-muted">No bills imported yet.</p>
        ) : (
          <div className="md:overflow-x-auto">
            <table className={stackedTable}>
              <thead className={`${stackedHead} border-b border-border text-left text-xs text-muted`}>
                <tr>
                  <th scope="col" className="px-2 py-2 font-medium">Imported (UTC)</th>
                  <th scope="col" className="px-2 py-2 font-medium">Provider</th>
                  <th scope="col" className="px-2 py-2 font-medium">Source</th>
                  <th scope="col" className="px-2 py-2 font-medium">Days</th>
                  <th scope="col" className="px-2 py-2 text-right font-medium">Lines</th>
                  <th scope="col" className="px-2 py-2 text-right font-medium">Total</th>
                  <th scope="col" className="px-2 py-2 font-medium">By</th>
                </tr>
              </thead>
              <tbody className={stackedBody}>
                {imports.map((i) => (
                  <tr key={i.id} className="grid grid-cols-2 gap-x-4 gap-y-2 border-b border-border py-3 md:table-row md:py-0">
                    <td className="tabular-nums md:px-2 md:py-2 md:whitespace-nowrap">
                      <CellLabel>Imported (UTC)</CellLabel>
                      {i.importedAt.slice(0, 19).replace("T", " ")}
                    </td>
                    <td className="md:px-2 md:py-2">
                      <CellLabel>Provider</CellLabel>
                      {i.provider}
                    </td>
                    <td className={`${stackedWide} min-w-0 break-words md:px-2 md:py-2`}>
                      <CellLabel>Source</CellLabel>
                      <span>{i.sourceName ?? "—"}</span> <span className="font-mono text-xs text-muted" title={`sha256 ${i.sourceHash}`}>{i.sourceHash.slice(0, 12)}</span>
                    </td>
                    <td className="md:px-2 md:py-2 md:whitespace-nowrap">
                      <CellLabel>Days</CellLabel>
                      {i.firstDay ? (i.firstDay === i.lastDay ? i.firstDay : `${i.firstDay} – ${i.lastDay}`) : "—"}
                    </td>
                    <td className="tabular-nums md:px-2 md:py-2 md:text-right">
                      <CellLabel>Lines</CellLabel>
                      {i.lines}
                    </td>
                    <td className="tabular-nums md:px-2 md:py-2 md:text-right">
                      <CellLabel>Total</CellLabel>
                      {formatUsd(i.totalUsd)}
                    </td>
                    <td className="min-w-0 break-all md:px-2 md:py-2">
                      <CellLabel>By</CellLabel>
                      {i.importedBy}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
