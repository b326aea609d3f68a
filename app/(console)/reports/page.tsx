import type { Metadata } from "next";
import { RangePresets } from "@/components/dashboard/range-presets";
import { buttonClass } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { filterQuery, first, parseDateRange, type SearchParams } from "@/lib/dashboard/filters";
import { requireOrgScope } from "@/lib/server/session";

export const metadata: Metadata = { title: "Reports" };

const control = "block w-full rounded-md border border-border bg-surface px-2 py-1.5 font-mono text-sm text-foreground focus:border-accent focus:outline-none";

export default async function ReportsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const { org } = await requireOrgScope(first(params, "org"), "viewer", { allowAll: true });
  const { error, ...range } = parseDateRange(params, new Date());
  const query = { org: org?.slug ?? null, from: range.from, to: range.to };
  return (
    <>
      <PageHeader title="Reports" description={<>Spend for finance tools: {org ? org.name : "all organisations"}, {range.from} to {range.to} (UTC days). Both files are summed from the daily roll-ups, so their totals match the usage summary API for the same days.</>} />
      <RangePresets path="/reports" query={query} from={range.from} to={range.to} />
      <form method="get" action="/reports" aria-label="Report range" className="mb-6 flex flex-wrap items-end gap-3 rounded-lg border border-border bg-surface p-3 shadow-sm">
        {org ? <input type="hidden" name="org" value={org.slug} /> : null}
        <label className="w-40 space-y-1 text-sm">
          <span className="block text-xs font-medium text-muted">From (UTC)</span>
          <input name="from" defaultValue={range.from} placeholder="YYYY-MM-DD" pattern="\d{4}-\d{2}-\d{2}" className={control} />
        </label>
        <label className="w-40 space-y-1 text-sm">
          <span className="block text-xs font-medium text-muted">To (UTC)</span>
          <input name="to" defaultValue={range.to} placeholder="YYYY-MM-DD" pattern="\d{4}-\d{2}-\d{2}" className={control} />
        </label>
        <button type="submit" className={buttonClass("secondary", "sm")}>
          Apply
        </button>
      </form>
      {error ? (
        <p role="alert" className="mb-4 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm text-warning">
          {error}
        </p>
      ) : null}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title="Monthly chargeback">
          <p className="mb-3 text-sm text-muted">One row per month × organisation × project × provider × model: requests, input, output and cache tokens, and cost in USD (exact decimals). For charging spend back to teams.</p>
          <a href={`/reports/chargeback${filterQuery(query)}`} className={buttonClass("primary", "sm")} download>
            Download chargeback CSV
          </a>
        </Card>
        <Card title="FOCUS 1.2">
          <p className="mb-3 text-sm text-muted">
            The FinOps FOCUS 1.2 format: the 21 mandatory columns (BilledCost, EffectiveCost, ChargePeriodStart, ServiceCategory “AI and Machine Learning”, …) plus x_Project, x_Model and token counts, one row per day × organisation × project × provider × model.
          </p>
          <a href={`/reports/focus${filterQuery(query)}`} className={buttonClass("primary", "sm")} download>
            Download FOCUS CSV
          </a>
        </Card>
      </div>
    </>
  );
}
