// The overview's stat-card periods. Roll-ups are daily, so "so far" periods are compared with the
// previous period cut to the same number of days (today with yesterday, this week's first n days
// with last week's first n days, this month's first n days with last month's, capped at its end).
import { addDays, addMonths, daysBetween, daysInMonth, isoDay, startOfMonth, startOfWeek } from "./dates";

export type StatPeriodKey = "today" | "week" | "month" | "all";

export interface StatPeriod {
  key: StatPeriodKey;
  label: string;
  /** Inclusive UTC dates; null `from` means since the beginning. */
  current: { from: string | null; to: string };
  previous: { from: string | null; to: string } | null;
  /** How the change is computed, shown next to it. */
  comparison: string;
}

export function statPeriods(now: Date): StatPeriod[] {
  const today = isoDay(now);
  const weekStart = startOfWeek(today);
  const weekDays = daysBetween(weekStart, today);
  const monthStart = startOfMonth(today);
  const prevMonthStart = addMonths(today, -1);
  const monthDay = daysBetween(monthStart, today);
  const prevMonthEnd = addDays(monthStart, -1);
  const prevMonthSameDay = addDays(prevMonthStart, Math.min(monthDay, daysInMonth(prevMonthStart) - 1));
  return [
    { key: "today", label: "Today", current: { from: today, to: today }, previous: { from: addDays(today, -1), to: addDays(today, -1) }, comparison: "vs yesterday" },
    {
      key: "week",
      label: "This week",
      current: { from: weekStart, to: today },
      previous: { from: addDays(weekStart, -7), to: addDays(weekStart, weekDays - 7) },
      comparison: weekDays === 0 ? "vs last Monday" : `vs the same ${weekDays + 1} days last week`,
    },
    {
      key: "month",
      label: "This month",
      current: { from: monthStart, to: today },
      previous: { from: prevMonthStart, to: prevMonthSameDay <= prevMonthEnd ? prevMonthSameDay : prevMonthEnd },
      comparison: `vs the first ${monthDay + 1} day${monthDay === 0 ? "" : "s"} of last month`,
    },
    { key: "all", label: "All time", current: { from: null, to: today }, previous: { from: null, to: prevMonthEnd }, comparison: "growth since the start of this month" },
  ];
}
