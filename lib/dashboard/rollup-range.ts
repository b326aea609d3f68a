// How a range of days is summed from the roll-ups with the fewest rows read (SPEC §9: the overview
// at ten million events). Daily roll-ups hold a row per day and dimension combination, monthly ones
// one per month, so whole months come from the monthly roll-ups, and a month mostly inside the
// range is read as the whole month minus the days outside it. Every roll-up sum is additive, so
// the result is exact either way.
import { addDays, addMonths, daysBetween, startOfMonth } from "./dates";

export type DayRange = [from: string, to: string];

export interface RollupRangePlan {
  /** First days of the months read whole from the monthly roll-ups. */
  months: string[];
  /** Days read from the daily roll-ups and added. */
  add: DayRange[];
  /** Days read from the daily roll-ups and subtracted (they lie in one of `months`, outside the range). */
  subtract: DayRange[];
}

/**
 * Splits the days `from` to `to` (inclusive) by month. A month counts as whole when the range
 * covers it up to its end or up to today (later days hold no usage yet); a partial month is read
 * as the whole month minus its other days when those (up to today) are fewer than its days in the
 * range, one monthly read weighing about as much as one day's.
 */
export function planRollupRange(from: string, to: string, today: string): RollupRangePlan {
  const plan: RollupRangePlan = { months: [], add: [], subtract: [] };
  for (let month = startOfMonth(from); month <= to; month = addMonths(month, 1)) {
    const monthEnd = addDays(addMonths(month, 1), -1);
    const start = from > month ? from : month;
    const end = to < monthEnd ? to : monthEnd;
    const lastWithUsage = monthEnd < today ? monthEnd : today;
    const before = daysBetween(month, start);
    const after = end >= lastWithUsage ? 0 : daysBetween(end, lastWithUsage);
    if (before === 0 && after === 0) {
      plan.months.push(month);
    } else if (1 + before + after < daysBetween(start, end) + 1) {
      plan.months.push(month);
      if (before > 0) plan.subtract.push([month, addDays(start, -1)]);
      if (after > 0) plan.subtract.push([addDays(end, 1), monthEnd]);
    } else {
      plan.add.push([start, end]);
    }
  }
  return plan;
}

/** The same days as `ranges`, sorted, with overlapping and adjacent ranges joined (one comparison per row instead of many). */
export function mergeDayRanges(ranges: DayRange[]): DayRange[] {
  const merged: DayRange[] = [];
  for (const [from, to] of [...ranges].sort((a, b) => a[0].localeCompare(b[0]))) {
    const last = merged.at(-1);
    if (last && from <= addDays(last[1], 1)) {
      if (to > last[1]) last[1] = to;
    } else {
      merged.push([from, to]);
    }
  }
  return merged;
}
