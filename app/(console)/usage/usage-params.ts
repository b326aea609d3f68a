// URL parameters of the usage log and its CSV export (shared so both read the same filtered set).
import { first, parseDashboardFilters, type DashboardFilters, type SearchParams } from "@/lib/dashboard/filters";
import { DEFAULT_USAGE_SORT, USAGE_PAGE_SIZES, USAGE_SORT_FIRST_DIR, USAGE_SORT_KEYS, USAGE_STATUS_FILTERS, type UsageLogFilters, type UsageSort, type UsageSortKey, type UsageStatusFilter } from "@/lib/server/usage-log";

export function parseUsageParams(params: SearchParams, now = new Date()) {
  const { filters, error } = parseDashboardFilters(params, now);
  const status = first(params, "status");
  const user = first(params, "user");
  const sortKey = first(params, "sort");
  const dir = first(params, "dir");
  const size = Number(first(params, "size"));
  const key: UsageSortKey = USAGE_SORT_KEYS.includes(sortKey as UsageSortKey) ? (sortKey as UsageSortKey) : DEFAULT_USAGE_SORT.key;
  const sort: UsageSort = { key, dir: dir === "asc" ? "asc" : dir === "desc" ? "desc" : USAGE_SORT_FIRST_DIR[key] };
  const logFilters: DashboardFilters & Required<Pick<UsageLogFilters, "user" | "status">> = {
    ...filters,
    user: user && user.length <= 256 ? user : null,
    status: USAGE_STATUS_FILTERS.includes(status as UsageStatusFilter) ? (status as UsageStatusFilter) : null,
  };
  return {
    orgSlug: filters.org,
    filters: logFilters,
    error,
    sort,
    pageSize: (USAGE_PAGE_SIZES as readonly number[]).includes(size) ? size : 50,
    after: first(params, "after"),
    before: first(params, "before"),
  };
}
