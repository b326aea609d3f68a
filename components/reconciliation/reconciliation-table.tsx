import Link from "next/link";
import type { ReconcileRow, ReconcileStatus, SplitRow } from "@/lib/bills/reconcile";
import { Badge } from "@/components/ui/card";
import { formatUsd } from "@/lib/money";

const TONE: Record<ReconcileStatus, "success" | "warning" | "danger" | "accent"> = { ok: "success", under: "warning", over: "warning", untracked: "danger", unbilled: "accent" };
const SPLIT_LABEL: Record<SplitRow["type"], string> = { input: "Input", cached_input: "Cached input", cache_write: "Cache writes", output: "Output", other: "Other" };

function usageHref(row: ReconcileRow, model: string, orgSlug: string): string {
  return `/usage?${new URLSearchParams({ from: row.date, to: row.date, model, provider: row.provider, org: orgSlug }).toString()}`;
}

function Split({ split }: { split: SplitRow[] }) {
  return (
    <table className="mt-2 w-full text-xs" aria-label="Split by token type">
      <thead className="text-left text-muted">
        <tr>
          <th scope="col" className="py-1 pr-3 font-medium">Token type</th>
          <th scope="col" className="py-1 pr-3 text-right font-medium">Billed</th>
          <th scope="col" className="py-1 pr-3 text-right font-medium">Tokens tracked</th>
          <th scope="col" className="py-1 pr-3 text-right font-medium">Billed per 1M</th>
          <th scope="col" className="py-1 text-right font-medium">Price used per 1M</th>
        </tr>
      </thead>
      <tbody>
        {split.map((s) => (
          <tr key={s.type} className="border-t border-border">
            <td className="py-1 pr-3">{SPLIT_LABEL[s.type]}</td>
            <td className="py-1 pr-3 text-right tabular-nums">{formatUsd(s.billedUsd)}</td>
            <td className="py-1 pr-3 text-right tabular-nums">{s.trackedTokens === null ? "—" : Number(s.trackedTokens).toLocaleString("en-US")}</td>
            <td className="py-1 pr-3 text-right tabular-nums">
              {s.impliedPerMtok === null ? "—" : `$${s.impliedPerMtok}`}
              {s.mixedTiers ? <span className="block text-muted">incl. batch/priority</span> : null}
            </td>
            <td className="py-1 text-right tabular-nums">{s.pricePerMtok === null ? "—" : `$${s.pricePerMtok}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The bills:reconcile table, rows in the order given (worst gaps first), with causes and the token split. */
export function ReconciliationTable({ rows, orgSlug }: { rows: ReconcileRow[]; orgSlug: string }) {
  return (
    <>
      <ReconciliationCards rows={rows} orgSlug={orgSlug} />
      {/* `relative`: absolutely positioned descendants scroll with the table instead of widening the page. */}
      <div className="relative hidden overflow-x-auto md:block">
      <table className="w-full min-w-[56rem] text-sm" data-testid="reconciliation-table">
        <thead className="border-b border-border text-left text-xs text-muted">
          <tr>
            <th scope="col" className="px-2 py-2 font-medium">Day (UTC)</th>
            <th scope="col" className="px-2 py-2 font-medium">Provider</th>
            <th scope="col" className="px-2 py-2 font-medium">Model</th>
            <th scope="col" className="px-2 py-2 text-right font-medium">Billed</th>
            <th scope="col" className="px-2 py-2 text-right font-medium">Tracked</th>
            <th scope="col" className="px-2 py-2 text-right font-medium">Difference</th>
            <th scope="col" className="px-2 py-2 font-medium">Status</th>
            <th scope="col" className="px-2 py-2 font-medium">Likely cause</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const models = r.trackedModels.length ? r.trackedModels : [r.model];
            return (
              <tr key={`${r.date}|${r.provider}|${r.model}`} className="border-b border-border align-top" data-status={r.status}>
                <td className="px-2 py-2 whitespace-nowrap tabular-nums">{r.date}</td>
                <td className="px-2 py-2">{r.provider}</td>
                <td className="px-2 py-2">
                  <span className="font-mono text-xs">{r.model}</span>
                  <div className="mt-1 flex flex-wrap gap-x-2 text-xs">
                    {models.map((m) => (
                      <Link key={m} href={usageHref(r, m, orgSlug)} className="text-accent underline-offset-2 hover:underline">
                        {models.length > 1 ? `events (${m})` : "events"}
                      </Link>
                    ))}
                  </div>
                </td>
                <td className="px-2 py-2 text-right tabular-nums" title={`$${r.billedUsd}`}>{formatUsd(r.billedUsd)}</td>
                <td className="px-2 py-2 text-right tabular-nums" title={`$${r.trackedUsd}`}>{formatUsd(r.trackedUsd)}</td>
                <td className="px-2 py-2 text-right tabular-nums" title={`$${r.differenceUsd}`}>{formatUsd(r.differenceUsd)}</td>
                <td className="px-2 py-2">
                  <Badge tone={TONE[r.status]}>{r.status}</Badge>
                </td>
                <td className="px-2 py-2 text-xs">
                  <Causes row={r} />
                  {r.split.length ? (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-muted hover:text-foreground">Split by token type</summary>
                      <Split split={r.split} />
                    </details>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      </div>
    </>
  );
}

function Causes({ row }: { row: ReconcileRow }) {
  return row.causes.length ? (
    <ul className="space-y-1">
      {row.causes.map((c) => (
        <li key={c.code + c.message} data-cause={c.code}>
          {c.message}
        </li>
      ))}
    </ul>
  ) : (
    <span className="text-muted">{row.status === "ok" ? "Within tolerance" : "—"}</span>
  );
}

/** Phones: one card per row (day, provider and model, the three amounts, the cause) instead of an eight-column table. */
function ReconciliationCards({ rows, orgSlug }: { rows: ReconcileRow[]; orgSlug: string }) {
  return (
    <ul className="divide-y divide-border md:hidden" aria-label="Billed and tracked by day and model">
      {rows.map((r) => {
        const models = r.trackedModels.length ? r.trackedModels : [r.model];
        return (
          <li key={`${r.date}|${r.provider}|${r.model}`} className="space-y-2 py-3 text-sm">
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
              <span className="tabular-nums">{r.date}</span>
              <span>{r.provider}</span>
              <span className="font-mono text-xs break-all">{r.model}</span>
              <Badge tone={TONE[r.status]}>{r.status}</Badge>
            </div>
            <dl className="grid grid-cols-3 gap-2">
              {(
                [
                  ["Billed", r.billedUsd],
                  ["Tracked", r.trackedUsd],
                  ["Difference", r.differenceUsd],
                ] as const
              ).map(([label, value]) => (
                <div key={label} className="min-w-0">
                  <dt className="text-xs text-muted">{label}</dt>
                  <dd className="tabular-nums" title={`$${value}`}>{formatUsd(value)}</dd>
                </div>
              ))}
            </dl>
            <div className="text-xs">
              <Causes row={r} />
            </div>
            <div className="flex flex-wrap gap-x-3 text-xs">
              {models.map((m) => (
                <Link key={m} href={usageHref(r, m, orgSlug)} className="text-accent underline underline-offset-2">
                  {models.length > 1 ? `events (${m})` : "events"}
                </Link>
              ))}
            </div>
            {r.split.length ? (
              <details className="text-xs">
                <summary className="cursor-pointer text-muted hover:text-foreground">Split by token type</summary>
                <div className="overflow-x-auto">
                  <Split split={r.split} />
                </div>
              </details>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
