// Month-end projection for the overview: month-to-date spend extrapolated linearly over the
// elapsed share of the month (UTC), counting at least one day so that the first hours of a
// month do not explode the figure.
import { dec, toCostString } from "@/lib/money";
import { daysInMonth, isoDay, parseIsoDay, startOfMonth } from "./dates";

const DAY_MS = 86_400_000;

export interface MonthEndProjection {
  monthToDate: string;
  projected: string;
  elapsedDays: number;
  daysInMonth: number;
}

export function projectMonthEnd(monthToDate: string, now: Date): MonthEndProjection {
  const today = isoDay(now);
  const total = daysInMonth(today);
  const start = parseIsoDay(startOfMonth(today))!.getTime();
  const elapsed = Math.min(total, Math.max(1, (now.getTime() - start) / DAY_MS));
  const spent = dec(monthToDate);
  const projected = spent.times(total).dividedBy(dec(elapsed.toFixed(6)));
  return { monthToDate: toCostString(spent), projected: toCostString(projected), elapsedDays: Math.round(elapsed * 10) / 10, daysInMonth: total };
}
