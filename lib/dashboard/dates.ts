// UTC calendar arithmetic on ISO dates ("YYYY-MM-DD"); every period in Spendline is UTC and
// weeks start on Monday (SPEC §7).
const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The UTC midnight of an ISO date, or null when the text is not a real calendar date. */
export function parseIsoDay(value: string): Date | null {
  if (!ISO_DAY.test(value)) return null;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || isoDay(d) !== value ? null : d;
}

export function addDays(day: string, days: number): string {
  return isoDay(new Date(parseIsoDay(day)!.getTime() + days * DAY_MS));
}

/** Whole days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseIsoDay(to)!.getTime() - parseIsoDay(from)!.getTime()) / DAY_MS);
}

export function startOfWeek(day: string): string {
  const weekday = (parseIsoDay(day)!.getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -weekday);
}

export function startOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function daysInMonth(day: string): number {
  const d = parseIsoDay(startOfMonth(day))!;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

/** The first day of the month `months` months after the month of `day`. */
export function addMonths(day: string, months: number): string {
  const d = parseIsoDay(startOfMonth(day))!;
  return isoDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1)));
}

/** Every ISO date from `from` to `to`, both inclusive. */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}
