"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { DailyTotal } from "@/lib/bills/reconcile";
import { chartColor } from "@/components/charts/chart-colors";
import { ChartTooltipBody } from "@/components/charts/chart-tooltip";

const axisTick = { fill: "var(--muted)", fontSize: 12 };

function compactUsd(value: number): string {
  if (value === 0) return "$0";
  if (Math.abs(value) >= 1000) return `$${(value / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })}k`;
  if (Math.abs(value) < 0.01) return `$${value.toPrecision(1)}`;
  return `$${value.toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
}

/** Billed vs tracked per UTC day: two bars a day, exact amounts in the tooltip. */
export function BilledVsTrackedChart({ data, label }: { data: DailyTotal[]; label: string }) {
  const tooltip = ({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: unknown }> }) => {
    const point = payload?.[0]?.payload as DailyTotal | undefined;
    if (!active || !point) return null;
    return (
      <ChartTooltipBody
        title={`${point.date} (UTC)`}
        lines={[
          { key: "billed", label: "Billed", color: chartColor(0), exact: point.billedExact },
          { key: "tracked", label: "Tracked", color: chartColor(1), exact: point.trackedExact },
        ]}
      />
    );
  };
  return (
    <figure aria-label={label} className="h-72 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} tick={axisTick} stroke="var(--border)" minTickGap={16} />
          <YAxis tickFormatter={compactUsd} tick={axisTick} stroke="var(--border)" width={56} />
          <Tooltip content={tooltip} cursor={{ fill: "var(--surface-muted)" }} />
          <Legend wrapperStyle={{ fontSize: 12, color: "var(--foreground)" }} />
          <Bar dataKey="billed" name="Billed" fill={chartColor(0)} isAnimationActive={false} />
          <Bar dataKey="tracked" name="Tracked" fill={chartColor(1)} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">
        {label}: {data.map((d) => `${d.date} billed $${d.billedExact}, tracked $${d.trackedExact}`).join("; ")}.
      </figcaption>
    </figure>
  );
}
