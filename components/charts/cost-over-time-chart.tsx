"use client";

import { useRouter } from "next/navigation";
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TimeSeries, TimeSeriesPoint } from "@/lib/dashboard/chart-data";
import { withParams } from "@/lib/dashboard/filters";
import { formatUsd } from "@/lib/money";
import { chartColor } from "./chart-colors";
import { ChartTooltipBody } from "./chart-tooltip";

const axisTick = { fill: "var(--muted)", fontSize: 12 };
const shortDay = (day: string) => day.slice(5);

function compactUsd(value: number): string {
  if (value === 0) return "$0";
  if (Math.abs(value) >= 1000) return `$${(value / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })}k`;
  if (Math.abs(value) < 0.01) return `$${value.toPrecision(1)}`;
  return `$${value.toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
}

/**
 * Daily cost (USD, UTC days). `stacked` draws one stacked area per provider; otherwise a single
 * line of the daily total. A dashed line shows the previous period when the data has one. Tooltips
 * show each value formatted and exact. With `dayHref`, a click on a day opens the usage log of
 * that day (`dayHref` + `from=day&to=day`); the day links below the chart do the same by keyboard.
 */
export function CostOverTimeChart({ data, stacked, label, dayHref }: { data: TimeSeries & { previousTotal?: string }; stacked: boolean; label: string; dayHref?: string }) {
  const router = useRouter();
  const hasPrevious = data.previousTotal !== undefined;
  const hrefOf = (day: string) => (dayHref ? withParams(dayHref, { from: day, to: day }) : null);
  const tooltip = ({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: unknown }> }) => {
    const point = payload?.[0]?.payload as TimeSeriesPoint | undefined;
    if (!active || !point) return null;
    const lines = stacked
      ? data.series.map((s, i) => ({ key: s.key, label: s.label, color: chartColor(i), exact: point.exact[s.key] })).filter((l) => l.exact !== "0").reverse()
      : [];
    if (point.exact.previous !== undefined) lines.push({ key: "previous", label: `Previous period (${point.exact.previousDay})`, color: "var(--muted)", exact: point.exact.previous });
    return <ChartTooltipBody title={`${point.day} (UTC)${dayHref ? " · click for its events" : ""}`} lines={lines} total={point.exact.total} />;
  };
  const onClick = (state: { activeLabel?: string | number } | null) => {
    const day = state?.activeLabel;
    const href = typeof day === "string" ? hrefOf(day) : null;
    if (href) router.push(href);
  };
  const previousLine = hasPrevious ? (
    <Line type="monotone" name="Previous period" dataKey={(p: TimeSeriesPoint) => p.values.previous} stroke="var(--muted)" strokeDasharray="5 4" strokeWidth={1.5} dot={false} isAnimationActive={false} />
  ) : null;
  const common = { data: data.points, margin: { top: 8, right: 8, bottom: 0, left: 8 }, accessibilityLayer: true, onClick, style: dayHref ? { cursor: "pointer" } : undefined };
  const xAxis = <XAxis dataKey="day" tickFormatter={shortDay} tick={axisTick} stroke="var(--border)" minTickGap={24} />;
  const yAxis = <YAxis tickFormatter={compactUsd} tick={axisTick} stroke="var(--border)" width={56} label={{ value: "USD", angle: -90, position: "insideLeft", fill: "var(--muted)", fontSize: 12 }} />;
  return (
    <figure aria-label={label} className="h-72 w-full">
      <ResponsiveContainer width="100%" height="100%">
        {stacked ? (
          <ComposedChart {...common}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
            {xAxis}
            {yAxis}
            <Tooltip content={tooltip} />
            <Legend wrapperStyle={{ fontSize: 12, color: "var(--foreground)" }} />
            {data.series.map((s, i) => (
              <Area
                key={s.key}
                type="monotone"
                name={s.label}
                dataKey={(p: TimeSeriesPoint) => p.values[s.key]}
                stackId="cost"
                stroke={chartColor(i)}
                fill={chartColor(i)}
                fillOpacity={0.35}
                isAnimationActive={false}
              />
            ))}
            {previousLine}
          </ComposedChart>
        ) : (
          <ComposedChart {...common}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
            {xAxis}
            {yAxis}
            <Tooltip content={tooltip} />
            <Legend wrapperStyle={{ fontSize: 12, color: "var(--foreground)" }} />
            <Line type="monotone" name="Total cost" dataKey={(p: TimeSeriesPoint) => p.values.total} stroke={chartColor(0)} strokeWidth={2} dot={false} isAnimationActive={false} />
            {previousLine}
          </ComposedChart>
        )}
      </ResponsiveContainer>
      <figcaption className="sr-only">
        {label}: total {formatUsd(data.total)} over {data.points.length} days{hasPrevious ? `; the previous period: ${formatUsd(data.previousTotal)}` : ""}.
      </figcaption>
    </figure>
  );
}
