// Calendar budget periods in UTC (SPEC §4, §7): a day, a week starting on Monday, a month.
// A period is [start, end): start inclusive, end exclusive. Counters are keyed by the start,
// so a new period simply gets a new counter and nothing has to be reset.
export type BudgetPeriodKind = "daily" | "weekly" | "monthly";

export const BUDGET_PERIODS: readonly BudgetPeriodKind[] = ["daily", "weekly", "monthly"];

export interface PeriodRange {
  start: Date;
  end: Date;
}

export const DAY_MS = 86_400_000;

function utcMidnight(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** The period of the given kind that contains `at`. */
export function periodContaining(kind: BudgetPeriodKind, at: Date): PeriodRange {
  if (Number.isNaN(at.getTime())) throw new RangeError("Invalid date");
  switch (kind) {
    case "daily": {
      const start = utcMidnight(at);
      return { start, end: new Date(start.getTime() + DAY_MS) };
    }
    case "weekly": {
      const day = utcMidnight(at);
      // getUTCDay: Sunday 0 … Saturday 6; weeks start on Monday.
      const sinceMonday = (day.getUTCDay() + 6) % 7;
      const start = new Date(day.getTime() - sinceMonday * DAY_MS);
      return { start, end: new Date(start.getTime() + 7 * DAY_MS) };
    }
    case "monthly": {
      const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
      return { start, end: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)) };
    }
  }
}

/** The period just before `range` (of the same kind). */
export function previousPeriod(kind: BudgetPeriodKind, range: PeriodRange): PeriodRange {
  return periodContaining(kind, new Date(range.start.getTime() - 1));
}

/** The `count` most recent periods up to and including the one containing `at`, newest first. */
export function recentPeriods(kind: BudgetPeriodKind, at: Date, count: number): PeriodRange[] {
  const out: PeriodRange[] = [];
  let range = periodContaining(kind, at);
  for (let i = 0; i < count; i++) {
    out.push(range);
    range = previousPeriod(kind, range);
  }
  return out;
}

export function periodLengthMs(range: PeriodRange): number {
  return range.end.getTime() - range.start.getTime();
}
