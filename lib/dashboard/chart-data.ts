// Pure chart-data preparers: roll-up rows (exact decimal strings) in, Recharts-ready points out.
// Charts plot numbers, so every point also carries the exact decimal strings for its tooltip.
import { dec, sum, toCostString } from "@/lib/money";
import { eachDay } from "./dates";

export interface DailyCostRow {
  day: string;
  /** The stacking key (provider); "" when the events named none. */
  series: string;
  cost: string;
}

export interface TimeSeriesPoint {
  day: string;
  /** Plotted values per series key plus "total". */
  values: Record<string, number>;
  /** Exact values per series key plus "total". */
  exact: Record<string, string>;
}

export interface TimeSeries {
  series: { key: string; label: string }[];
  points: TimeSeriesPoint[];
  total: string;
}

export const OTHER_SERIES = "__other";
export const NONE_LABEL = "(none)";

export function seriesLabel(key: string): string {
  return key === OTHER_SERIES ? "Other" : key === "" ? NONE_LABEL : key;
}

/** Series keys ordered by total cost (largest first); beyond `maxSeries` they are merged into "Other". */
function rankSeries(rows: { series: string; cost: string }[], maxSeries: number): { keep: Set<string>; order: string[]; hasOther: boolean } {
  const totals = new Map<string, ReturnType<typeof dec>>();
  for (const r of rows) totals.set(r.series, (totals.get(r.series) ?? dec(0)).plus(dec(r.cost)));
  const order = [...totals.entries()].sort((a, b) => b[1].comparedTo(a[1]) || a[0].localeCompare(b[0])).map(([k]) => k);
  const keepCount = order.length > maxSeries ? maxSeries - 1 : order.length;
  return { keep: new Set(order.slice(0, keepCount)), order: order.slice(0, keepCount), hasOther: order.length > keepCount };
}

/**
 * One point per day from `from` to `to` (days without rows are zero), stacked by series. Rows
 * outside the range are ignored.
 */
export function prepareDailySeries(rows: DailyCostRow[], range: { from: string; to: string }, maxSeries = 6): TimeSeries {
  const inRange = rows.filter((r) => r.day >= range.from && r.day <= range.to);
  const { keep, order, hasOther } = rankSeries(inRange, maxSeries);
  const keys = hasOther ? [...order, OTHER_SERIES] : order;
  const byDay = new Map<string, Map<string, ReturnType<typeof dec>>>();
  for (const r of inRange) {
    const key = keep.has(r.series) ? r.series : OTHER_SERIES;
    const day = byDay.get(r.day) ?? new Map();
    day.set(key, (day.get(key) ?? dec(0)).plus(dec(r.cost)));
    byDay.set(r.day, day);
  }
  const points = eachDay(range.from, range.to).map((day) => {
    const found = byDay.get(day);
    const values: Record<string, number> = {};
    const exact: Record<string, string> = {};
    for (const k of keys) {
      const v = found?.get(k) ?? dec(0);
      values[k] = v.toNumber();
      exact[k] = toCostString(v);
    }
    const total = sum(found ? found.values() : []);
    values.total = total.toNumber();
    exact.total = toCostString(total);
    return { day, values, exact };
  });
  return { series: keys.map((key) => ({ key, label: seriesLabel(key) })), points, total: toCostString(sum(inRange.map((r) => r.cost))) };
}

export interface BreakdownRow {
  key: string;
  cost: string;
  requests: number;
}

export interface SliceDatum {
  key: string;
  label: string;
  value: number;
  exact: string;
  requests: number;
  /** Share of the total, one decimal place ("12.5"). */
  percent: string;
}

/** Pie / donut slices, largest first; beyond `maxSlices` the rest becomes one "Other" slice. Zero-cost keys are left out. */
export function preparePieSlices(rows: BreakdownRow[], maxSlices = 7): { slices: SliceDatum[]; total: string } {
  const total = sum(rows.map((r) => r.cost));
  const sorted = rows.filter((r) => !dec(r.cost).isZero()).sort((a, b) => dec(b.cost).comparedTo(dec(a.cost)) || a.key.localeCompare(b.key));
  const head = sorted.length > maxSlices ? sorted.slice(0, maxSlices - 1) : sorted;
  const tail = sorted.slice(head.length);
  const merged: BreakdownRow[] = tail.length
    ? [...head, { key: OTHER_SERIES, cost: toCostString(sum(tail.map((r) => r.cost))), requests: tail.reduce((n, r) => n + r.requests, 0) }]
    : head;
  return {
    total: toCostString(total),
    slices: merged.map((r) => ({
      key: r.key,
      label: seriesLabel(r.key),
      value: dec(r.cost).toNumber(),
      exact: toCostString(r.cost),
      requests: r.requests,
      percent: total.isZero() ? "0.0" : dec(r.cost).dividedBy(total).times(100).toFixed(1),
    })),
  };
}

/**
 * Adds the previous period's daily total to each point as series "previous", aligned by position
 * (the first day of the range beside the first day of the previous period), for a comparison line.
 */
export function withPreviousPeriod(series: TimeSeries, rows: { day: string; cost: string }[], previous: { from: string; to: string }): TimeSeries & { previousTotal: string } {
  const byDay = new Map<string, ReturnType<typeof dec>>();
  for (const r of rows) if (r.day >= previous.from && r.day <= previous.to) byDay.set(r.day, (byDay.get(r.day) ?? dec(0)).plus(dec(r.cost)));
  const days = eachDay(previous.from, previous.to);
  const points = series.points.map((p, i) => {
    const day = days[i];
    const v = day ? byDay.get(day) ?? dec(0) : null;
    return v === null ? p : { ...p, values: { ...p.values, previous: v.toNumber() }, exact: { ...p.exact, previous: toCostString(v), previousDay: day } };
  });
  return { ...series, points, previousTotal: toCostString(sum(byDay.values())) };
}
