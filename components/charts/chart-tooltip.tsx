import { formatUsd } from "@/lib/money";

export interface TooltipLine {
  key: string;
  label: string;
  color: string;
  exact: string;
  note?: string;
}

/** Tooltip body shared by the charts: formatted money with the exact decimal beside it. */
export function ChartTooltipBody({ title, lines, total }: { title: string; lines: TooltipLine[]; total?: string }) {
  return (
    <div className="rounded-md border border-border bg-surface px-3 py-2 text-xs text-foreground shadow-md">
      <p className="mb-1 font-semibold">{title}</p>
      <ul className="space-y-0.5">
        {lines.map((l) => (
          <li key={l.key} className="flex items-center gap-2">
            <span aria-hidden className="inline-block h-2 w-2 rounded-sm" style={{ background: l.color }} />
            <span className="min-w-0 flex-1 truncate">{l.label}</span>
            <span className="tabular-nums font-medium">{formatUsd(l.exact)}</span>
            <span className="tabular-nums text-muted">${l.exact}</span>
            {l.note ? <span className="text-muted">{l.note}</span> : null}
          </li>
        ))}
      </ul>
      {total !== undefined ? (
        <p className="mt-1 border-t border-border pt-1 tabular-nums">
          Total <span className="font-medium">{formatUsd(total)}</span> <span className="text-muted">${total}</span>
        </p>
      ) : null}
    </div>
  );
}
