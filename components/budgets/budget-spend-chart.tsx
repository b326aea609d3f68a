"use client";

import { CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SpendPoint } from "@/lib/budgets/spend-series";
import { formatUsd } from "@/lib/money";
import { chartColor } from "@/components/charts/chart-colors";
import { EmptyState } from "@/components/ui/card";

const axisTick = { fill: "var(--muted)", fontSize: 12 };

/** Cumulative spend over the budget period, the projection to its end (dashed) and the limit (red line). */
export function BudgetSpendChart({ points, capUsd, label }: { points: SpendPoint[]; capUsd: string; label: string }) {
  // A flat line at zero says less than a sentence does.
  if (!points.some((p) => (p.spent ?? 0) > 0)) {
    return (
      <div className="mb-4">
        <EmptyState title="No spend yet in this period">The chart of spend against the limit starts with the first priced event.</EmptyState>
      </div>
    );
  }
  const cap = Number(capUsd);
  const tooltip = ({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: unknown }> }) => {
    const p = payload?.[0]?.payload as SpendPoint | undefined;
    if (!active || !p) return null;
    return (
      <div className="rounded-md border border-border bg-surface px-3 py-2 text-xs text-foreground shadow-md">
        <p className="mb-1 font-semibold">{p.day} (UTC)</p>
        {p.exactSpent !== undefined ? <p>Spent so far {formatUsd(p.exactSpent)}</p> : null}
        {p.exactProjected !== undefined ? <p>Projected {formatUsd(p.exactProjected)}</p> : null}
        <p className="text-muted">Limit {formatUsd(capUsd)}</p>
      </div>
    );
  };
  const max = Math.max(cap, ...points.map((p) => Math.max(p.spent ?? 0, p.projected ?? 0))) * 1.1;
  return (
    <figure aria-label={label} className="h-56 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 8 }} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} tick={axisTick} stroke="var(--border)" minTickGap={24} />
          <YAxis domain={[0, max || 1]} tickFormatter={(v: number) => `$${v.toLocaleString("en-US", { maximumFractionDigits: 2 })}`} tick={axisTick} stroke="var(--border)" width={64} />
          <Tooltip content={tooltip} />
          <ReferenceLine y={cap} stroke="var(--danger)" strokeWidth={1.5} label={{ value: "limit", fill: "var(--danger)", fontSize: 12, position: "insideTopRight" }} />
          <Line type="linear" name="Spent" dataKey="spent" stroke={chartColor(0)} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls={false} />
          <Line type="linear" name="Projected" dataKey="projected" stroke={chartColor(0)} strokeDasharray="5 4" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{label}</figcaption>
    </figure>
  );
}
