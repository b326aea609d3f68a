// Date-range presets of the console (SPEC §7): today, the last 7 / 30 / 90 days, this month and
// last month, as inclusive UTC dates; and the previous period of a range (same length, just before).
import { addDays, addMonths, daysBetween, isoDay, startOfMonth } from "./dates";
import type { DateRange } from "./filters";

export type RangePresetKey = "today" | "7d" | "30d" | "month" | "last-month" | "90d";

export interface RangePreset extends DateRange {
  key: RangePresetKey;
  label: string;
}

export function rangePresets(now: Date): RangePreset[] {
  const today = isoDay(now);
  const monthStart = startOfMonth(today);
  return [
    { key: "today", label: "Today", from: today, to: today },
    { key: "7d", label: "7 days", from: addDays(today, -6), to: today },
    { key: "30d", label: "30 days", from: addDays(today, -29), to: today },
    { key: "month", label: "This month", from: monthStart, to: today },
    { key: "last-month", label: "Last month", from: addMonths(today, -1), to: addDays(monthStart, -1) },
    { key: "90d", label: "90 days", from: addDays(today, -89), to: today },
  ];
}

/** The preset a range equals, if any. */
export function matchPreset(range: DateRange, now: Date): RangePresetKey | null {
  return rangePresets(now).find((p) => p.from === range.from && p.to === range.to)?.key ?? null;
}

/**
 * The period compared with a range: a whole calendar month is compared with the month before it,
 * any other range with the same number of days just before it.
 */
export function previousRange(range: DateRange): DateRange {
  const wholeMonth = range.from === startOfMonth(range.from) && range.to === addDays(addMonths(range.from, 1), -1);
  if (wholeMonth) {
    const from = addMonths(range.from, -1);
    return { from, to: addDays(range.from, -1) };
  }
  const days = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/** Number of days in an inclusive range. */
export function rangeDays(range: DateRange): number {
  return daysBetween(range.from, range.to) + 1;
}
