"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { Cell, Pie, PieChart, ResponsiveContainer, Tooltip } from "recharts";
import type { SliceDatum } from "@/lib/dashboard/chart-data";
import { OTHER_SERIES } from "@/lib/dashboard/chart-data";
import { withParams } from "@/lib/dashboard/filters";
import { formatUsd } from "@/lib/money";
import { chartColor } from "./chart-colors";
import { ChartTooltipBody } from "./chart-tooltip";

/**
 * Donut of cost shares with a legend that lists every slice's exact value. With `drill`, a slice
 * and its legend entry open the usage log filtered to it (`drill.href` + `&<param>=<key>`); the
 * merged "Other" slice and "(none)" lead nowhere.
 */
export function BreakdownPieChart({ slices, total, label, drill }: { slices: SliceDatum[]; total: string; label: string; drill?: { href: string; param: string } }) {
  const router = useRouter();
  const hrefOf = (key: string) => (drill && key !== OTHER_SERIES && key !== "" ? withParams(drill.href, { [drill.param]: key }) : null);
  const tooltip = ({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: unknown }> }) => {
    const s = payload?.[0]?.payload as SliceDatum | undefined;
    if (!active || !s) return null;
    const i = slices.findIndex((x) => x.key === s.key);
    return <ChartTooltipBody title={`${s.label}: ${s.percent}%`} lines={[{ key: s.key, label: `${s.requests.toLocaleString("en-US")} requests`, color: chartColor(i), exact: s.exact }]} />;
  };
  return (
    <div className="grid grid-cols-1 items-center gap-4 sm:grid-cols-[12rem_minmax(0,1fr)]">
      <figure aria-label={label} className="mx-auto h-48 w-48">
        <ResponsiveContainer width="100%" height="100%">
          <PieChart accessibilityLayer>
            <Pie data={slices} dataKey="value" nameKey="label" innerRadius="55%" outerRadius="95%" paddingAngle={1} isAnimationActive={false} stroke="var(--surface)">
              {slices.map((s, i) => (
                <Cell
                  key={s.key}
                  fill={chartColor(i)}
                  style={hrefOf(s.key) ? { cursor: "pointer" } : undefined}
                  onClick={() => {
                    const href = hrefOf(s.key);
                    if (href) router.push(href);
                  }}
                />
              ))}
            </Pie>
            <Tooltip content={tooltip} />
          </PieChart>
        </ResponsiveContainer>
      </figure>
      <ul className="min-w-0 space-y-1 text-sm" aria-label={`${label} legend`}>
        {slices.map((s, i) => (
          <li key={s.key} className="flex items-center gap-2" title={`${s.label}: $${s.exact} (exact), ${s.requests} requests`}>
            <span aria-hidden className="inline-block h-3 w-3 shrink-0 rounded-sm" style={{ background: chartColor(i) }} />
            {hrefOf(s.key) ? (
              <Link href={hrefOf(s.key)!} className="min-w-0 flex-1 truncate text-accent underline underline-offset-2">
                {s.label}
              </Link>
            ) : (
              <span className="min-w-0 flex-1 truncate">{s.label}</span>
            )}
            <span className="tabular-nums text-muted">{s.percent}%</span>
            <span className="tabular-nums font-medium">{formatUsd(s.exact)}</span>
          </li>
        ))}
        <li className="flex justify-between border-t border-border pt-1 text-muted">
          <span>Total</span>
          <span className="tabular-nums" title={`$${total} (exact)`}>
            {formatUsd(total)}
          </span>
        </li>
      </ul>
    </div>
  );
}
