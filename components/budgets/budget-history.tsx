import { Badge } from "@/components/ui/card";
import { dec } from "@/lib/money";
import { formatUsd, formatUtc, percentOf } from "./budget-format";
import type { BudgetPeriodHistory } from "@/lib/server/budgets/manage";
import type { BudgetOverrideRow } from "@/lib/server/budgets/manage";

export type PeriodHistoryView = BudgetPeriodHistory;

export type OverrideView = BudgetOverrideRow;

const day = (iso: string) => iso.slice(0, 10);
const lastDay = (endExclusive: string) => day(new Date(new Date(endExclusive).getTime() - 1).toISOString());

/** Spend per period against the limit in force then; periods of an earlier period kind are kept and marked. */
export function PeriodHistoryTable({ history }: { history: PeriodHistoryView[] }) {
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Period history">
      <table className="w-full text-left text-sm" data-testid="budget-history">
        <thead className="text-muted">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Period (UTC)</th>
            <th scope="col" className="py-2 pr-4 text-right font-medium">Spent</th>
            <th scope="col" className="py-2 pr-4 text-right font-medium">Limit then</th>
            <th scope="col" className="py-2 text-right font-medium">Used</th>
          </tr>
        </thead>
        <tbody>
          {history.map((p) => {
            const used = percentOf(p.spentUsd, dec(p.limitUsd));
            return (
              <tr key={`${p.archived ? "a" : "c"}${p.periodStart}`} className="border-t border-border">
                {/* On phones the period wraps (dates, then its kind) so every figure fits beside it. */}
                <td className="py-2 pr-4 sm:whitespace-nowrap">
                  {day(p.periodStart) === lastDay(p.periodEnd) ? day(p.periodStart) : <>{day(p.periodStart)} –<wbr /> {lastDay(p.periodEnd)}</>}{" "}
                  <span className="text-xs text-muted">{p.period}</span>
                  {p.archived ? (
                    <span className="ml-1">
                      <Badge>earlier period kind</Badge>
                    </span>
                  ) : null}
                </td>
                <td className="py-2 pr-4 text-right tabular-nums">{formatUsd(p.spentUsd)}</td>
                <td className="py-2 pr-4 text-right tabular-nums">{formatUsd(p.limitUsd)}</td>
                <td className="py-2 text-right tabular-nums">
                  {used}%{dec(p.spentUsd).greaterThan(dec(p.limitUsd)) ? <span className="ml-1"><Badge tone="danger">over</Badge></span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function OverridesTable({ overrides }: { overrides: OverrideView[] }) {
  return (
    <ul className="divide-y divide-border" aria-label="Overrides and extensions">
      {overrides.map((o) => (
        <li key={o.id} className="space-y-1 py-3 text-sm" data-testid="override-row">
          <div className="flex flex-wrap items-center gap-2">
            {o.kind === "extension" ? (
              <>
                <span className="font-medium">Extension of {formatUsd(o.amountUsd, { exact: true })}</span>
                <Badge tone={o.active ? "success" : "neutral"}>{o.active ? "in force" : "expired"}</Badge>
              </>
            ) : (
              <>
                <span className="font-medium">Confirmed call over the limit</span>
                <Badge tone="warning">override</Badge>
              </>
            )}
          </div>
          <p className="text-muted">
            {o.kind === "extension" && o.validUntil ? <>until {formatUtc(o.validUntil)} UTC · </> : null}
            {o.eventId ? <>event <span className="font-mono break-all">{o.eventId}</span> · </> : null}
            by {o.grantedBy ?? "unknown"} on {formatUtc(o.createdAt)} UTC
          </p>
          {o.reason ? <p className="break-words">“{o.reason}”</p> : null}
        </li>
      ))}
    </ul>
  );
}
