// The console's URL filters (SPEC §7): from, to, org, project, provider, model, category. Parsed
// once per request; an invalid value falls back to the default and is reported, never thrown.
import { normalizeProviderOrNull } from "@/lib/providers";
import { addDays, daysBetween, isoDay, parseIsoDay, startOfMonth } from "./dates";

export type SearchParams = Record<string, string | string[] | undefined>;

export interface DateRange {
  /** Inclusive UTC dates, YYYY-MM-DD. */
  from: string;
  to: string;
}

export interface DashboardFilters extends DateRange {
  org: string | null;
  project: string | null;
  provider: string | null;
  model: string | null;
  category: string | null;
}

export const DIMENSION_FILTERS = ["project", "provider", "model", "category"] as const;
export type DimensionFilter = (typeof DIMENSION_FILTERS)[number];

/** Longest range a page reads at once (ten years), so a typo cannot ask for a million days. */
export const MAX_RANGE_DAYS = 3660;

export function first(params: SearchParams, key: string): string | null {
  const v = params[key];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s ? s : null;
}

/** This month so far: the first of the month to today (UTC). */
export function defaultDateRange(now: Date): DateRange {
  const today = isoDay(now);
  return { from: startOfMonth(today), to: today };
}

/**
 * Reads `from` / `to` (YYYY-MM-DD, inclusive). Missing values default to this month; a bad date,
 * a reversed range or an over-long one is reported in `error` and replaced by the default.
 */
export function parseDateRange(params: SearchParams, now: Date): DateRange & { error: string | null } {
  const fallback = defaultDateRange(now);
  const rawFrom = first(params, "from");
  const rawTo = first(params, "to");
  if (rawFrom && !parseIsoDay(rawFrom)) return { ...fallback, error: `"${rawFrom}" is not a date (YYYY-MM-DD); showing this month.` };
  if (rawTo && !parseIsoDay(rawTo)) return { ...fallback, error: `"${rawTo}" is not a date (YYYY-MM-DD); showing this month.` };
  const to = rawTo ?? (rawFrom && rawFrom > fallback.to ? rawFrom : fallback.to);
  const from = rawFrom ?? (to < fallback.from ? startOfMonth(to) : fallback.from);
  if (from > to) return { ...fallback, error: "The start date is after the end date; showing this month." };
  if (daysBetween(from, to) >= MAX_RANGE_DAYS) return { from: addDays(to, -(MAX_RANGE_DAYS - 1)), to, error: `Ranges are limited to ${MAX_RANGE_DAYS} days; showing the last ${MAX_RANGE_DAYS}.` };
  return { from, to, error: null };
}

export function parseDashboardFilters(params: SearchParams, now: Date): { filters: DashboardFilters; error: string | null } {
  const { error, ...range } = parseDateRange(params, now);
  const text = (key: string) => {
    const v = first(params, key);
    return v && v.length <= 256 ? v : null;
  };
  return {
    filters: { ...range, org: text("org"), project: text("project"), provider: normalizeProviderOrNull(text("provider")), model: text("model"), category: text("category") },
    error,
  };
}

/** The URL query for a set of filters with some values replaced (null removes a key). */
export function filterQuery(current: Partial<Record<string, string | null>>, changes: Partial<Record<string, string | null>> = {}): string {
  const params = new URLSearchParams();
  const merged = { ...current, ...changes };
  for (const [k, v] of Object.entries(merged)) if (v) params.set(k, v);
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

/** `href` (path and query) with some query parameters set or (null) removed. */
export function withParams(href: string, changes: Record<string, string | null>): string {
  const [path, query = ""] = href.split("?", 2);
  const params = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes)) {
    if (v) params.set(k, v);
    else params.delete(k);
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
