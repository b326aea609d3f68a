import { describeChange, percentChange } from "@/lib/dashboard/change";
import type { MonthEndProjection } from "@/lib/dashboard/projection";
import { formatUsd } from "@/lib/money";
import { Money } from "@/components/ui/money";

export interface StatCardView {
  key: string;
  label: string;
  costUsd: string;
  requests: number;
  previousCostUsd: string | null;
  comparison: string;
}

function ChangeLine({ current, previous, comparison }: { current: string; previous: string | null; comparison: string }) {
  const change = percentChange(current, previous);
  const tone = change.kind === "up" || change.kind === "new" ? "text-warning" : change.kind === "down" ? "text-success" : "text-muted";
  return (
    <p className="mt-1 text-xs text-muted">
      <span className={`font-medium ${tone}`}>{describeChange(change)}</span> {comparison}
      {previous !== null ? (
        <span className="block" title={`$${previous} (exact)`}>
          before: {formatUsd(previous)}
        </span>
      ) : null}
    </p>
  );
}

/** Spend today / this week / this month / all time, and the month-end projection. */
export function StatCards({ cards, projection }: { cards: StatCardView[]; projection: MonthEndProjection }) {
  return (
    // Two cards a row from phones up (one a row made the overview five screens of cards), the projection across both.
    <div className="grid grid-cols-2 gap-3 sm:gap-4 xl:grid-cols-5">
      {cards.map((c) => (
        <section key={c.key} className="min-w-0 rounded-lg border border-border bg-surface p-3 shadow-sm sm:p-4" data-testid={`stat-${c.key}`} aria-label={c.label}>
          <h2 className="text-sm font-medium text-muted">{c.label}</h2>
          <p className="mt-1 text-xl font-semibold tracking-tight break-words sm:text-2xl">
            <Money value={c.costUsd} />
          </p>
          <p className="text-xs text-muted">{c.requests.toLocaleString("en-US")} requests</p>
          <ChangeLine current={c.costUsd} previous={c.previousCostUsd} comparison={c.comparison} />
        </section>
      ))}
      <section className="col-span-2 min-w-0 rounded-lg border border-accent/40 bg-accent/5 p-3 shadow-sm sm:p-4 xl:col-span-1" data-testid="stat-projection" aria-label="Month-end projection">
        <h2 className="text-sm font-medium text-muted">Month-end projection</h2>
        <p className="mt-1 text-xl font-semibold tracking-tight break-words sm:text-2xl">
          <Money value={projection.projected} />
        </p>
        <p className="mt-1 text-xs text-muted">
          {formatUsd(projection.monthToDate)} in {projection.elapsedDays} of {projection.daysInMonth} days, extrapolated at the same daily rate.
        </p>
      </section>
    </div>
  );
}
