// Spend against the limit over a budget period, for its chart: cumulative spend per UTC day up to
// today, then a straight projection to the period end at the projected figure. Pure and exact:
// decimal strings in, plotted numbers plus exact strings out.
import { dec, toCostString } from "@/lib/money";
import { eachDay } from "@/lib/dashboard/dates";

export interface SpendPoint {
  day: string;
  /** Cumulative spend (days up to today), else undefined. */
  spent?: number;
  /** Projected cumulative spend (today to the period end), else undefined. */
  projected?: number;
  exactSpent?: string;
  exactProjected?: string;
}

/**
 * `daily` holds each day's spend; `from` / `lastDay` are the period's first and last day (inclusive),
 * `today` the current day; `projectedUsd` the spend expected at the period end.
 */
export function budgetSpendSeries(daily: { day: string; cost: string }[], range: { from: string; lastDay: string; today: string }, projectedUsd: string): SpendPoint[] {
  const byDay = new Map(daily.map((d) => [d.day, dec(d.cost)]));
  const days = eachDay(range.from, range.lastDay);
  const todayIndex = days.indexOf(range.today);
  let total = dec(0);
  const points: SpendPoint[] = days.map((day) => ({ day }));
  for (const [i, p] of points.entries()) {
    if (todayIndex >= 0 && i > todayIndex) break;
    total = total.plus(byDay.get(p.day) ?? 0);
    p.spent = total.toNumber();
    p.exactSpent = toCostString(total);
  }
  if (todayIndex >= 0) {
    const start = total;
    const end = dec(projectedUsd);
    const steps = days.length - 1 - todayIndex;
    for (let i = todayIndex; i < days.length; i++) {
      const v = steps === 0 ? end : start.plus(end.minus(start).times(i - todayIndex).dividedBy(steps));
      points[i].projected = v.toNumber();
      points[i].exactProjected = toCostString(v.toDecimalPlaces(6));
    }
  }
  return points;
}
