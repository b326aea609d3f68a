import Link from "next/link";
import { describeChange, percentChange } from "@/lib/dashboard/change";
import { Money } from "@/components/ui/money";
import type { AnswerRow } from "@/lib/server/dashboard-answers";

const th = "px-2 py-2 font-medium whitespace-nowrap";
const td = "px-2 py-2 whitespace-nowrap";
const int = (n: number) => n.toLocaleString("en-US");

function Change({ current, previous }: { current: string; previous: string }) {
  const change = percentChange(current, previous);
  const tone = change.kind === "up" || change.kind === "new" ? "text-warning" : change.kind === "down" ? "text-success" : "text-muted";
  return (
    <span className={`tabular-nums ${tone}`} title={`Previous period: $${previous}`}>
      {describeChange(change)}
    </span>
  );
}

// On phones the tables keep the name and the figures that answer the question (cost and share, or
// error rate and latency); the other columns appear from the sm breakpoint.
function Scroll({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

/** Cost by model or by project: requests, tokens, cost, share and change vs the previous period; each row opens the usage log filtered to it. */
export function CostAnswerTable({ rows, dimension, hrefFor, previousLabel }: { rows: AnswerRow[]; dimension: "model" | "project"; hrefFor: (r: AnswerRow) => string; previousLabel: string }) {
  if (rows.length === 0) return <p className="text-sm text-muted">No usage in this range.</p>;
  const title = dimension === "model" ? "Cost by model" : "Cost by project";
  return (
    <Scroll label={title}>
      <table className="w-full text-left text-sm" data-testid={`answers-${dimension}`}>
        <caption className="sr-only">{title}, with the change against {previousLabel}</caption>
        <thead className="text-muted">
          <tr>
            <th scope="col" className={th}>{dimension === "model" ? "Model" : "Project"}</th>
            <th scope="col" className={`${th} hidden text-right sm:table-cell`}>Requests</th>
            <th scope="col" className={`${th} hidden text-right sm:table-cell`}>Tokens</th>
            <th scope="col" className={`${th} text-right`}>Cost</th>
            <th scope="col" className={`${th} text-right`}>Share</th>
            <th scope="col" className={`${th} hidden text-right sm:table-cell`}>Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className="border-t border-border">
              <td className={`${td} max-w-[10rem] sm:max-w-[14rem]`}>
                <Link href={hrefFor(r)} className="block truncate font-medium text-accent underline-offset-2 hover:underline">
                  {dimension === "model" ? (
                    <>
                      <span className="text-muted">{r.provider || "—"}/</span>
                      {r.model || "(none)"}
                    </>
                  ) : (
                    r.project || "(no project)"
                  )}
                </Link>
              </td>
              <td className={`${td} hidden text-right tabular-nums sm:table-cell`}>{int(r.requests)}</td>
              <td className={`${td} hidden text-right tabular-nums sm:table-cell`}>{int(r.tokens)}</td>
              <td className={`${td} text-right`}>
                <Money value={r.costUsd} cents />
              </td>
              <td className={`${td} text-right tabular-nums`}>{r.sharePercent}%</td>
              <td className={`${td} hidden text-right sm:table-cell`}>
                <Change current={r.costUsd} previous={r.previousCostUsd} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

/** Performance by provider and model: requests, error rate, average latency and cost per 1,000 requests. */
export function PerformanceTable({ rows, hrefFor }: { rows: AnswerRow[]; hrefFor: (r: AnswerRow, failedOnly: boolean) => string }) {
  if (rows.length === 0) return <p className="text-sm text-muted">No usage in this range.</p>;
  const sorted = [...rows].sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key));
  return (
    <Scroll label="Performance by provider and model">
      <table className="w-full text-left text-sm" data-testid="answers-performance">
        <caption className="sr-only">Performance by provider and model</caption>
        <thead className="text-muted">
          <tr>
            <th scope="col" className={th}>Provider / model</th>
            <th scope="col" className={`${th} hidden text-right sm:table-cell`}>Requests</th>
            <th scope="col" className={`${th} text-right`}>
              <span className="sm:hidden">Errors</span>
              <span className="hidden sm:inline">Error rate</span>
            </th>
            <th scope="col" className={`${th} text-right`}>
              <span className="sm:hidden">Latency</span>
              <span className="hidden sm:inline">Avg latency</span>
            </th>
            <th scope="col" className={`${th} hidden text-right sm:table-cell`}>Cost / 1k req.</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => {
            const rate = r.requests > 0 ? (r.failures * 100) / r.requests : 0;
            return (
              <tr key={r.key} className="border-t border-border">
                <td className={`${td} max-w-[10rem] sm:max-w-[14rem]`}>
                  <Link href={hrefFor(r, false)} className="block truncate font-medium text-accent underline-offset-2 hover:underline">
                    <span className="text-muted">{r.provider || "—"}/</span>
                    {r.model || "(none)"}
                  </Link>
                </td>
                <td className={`${td} hidden text-right tabular-nums sm:table-cell`}>{int(r.requests)}</td>
                <td className={`${td} text-right tabular-nums`}>
                  {r.failures > 0 ? (
                    <Link href={hrefFor(r, true)} className={`underline underline-offset-2 ${rate >= 5 ? "text-danger" : "text-foreground"}`} title={`${int(r.failures)} failed; show them`}>
                      {rate.toFixed(1)}%
                    </Link>
                  ) : (
                    "0.0%"
                  )}
                </td>
                <td className={`${td} text-right tabular-nums`}>{r.avgLatencyMs === null ? "—" : `${int(r.avgLatencyMs)} ms`}</td>
                <td className={`${td} hidden text-right sm:table-cell`}>
                  <Money value={r.costPer1kUsd} cents />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Scroll>
  );
}
