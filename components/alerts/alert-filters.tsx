import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { ALERT_TYPE_LABELS } from "./alerts-list";

export interface AlertFilterValues {
  org?: string;
  status: "unresolved" | "open" | "acknowledged" | "resolved" | "all";
  type?: string;
  severity?: string;
}

const select = "block w-full rounded-md border border-border bg-surface px-3 py-2 text-sm text-foreground focus:border-accent focus:outline-none";

export function alertsHref(values: AlertFilterValues, patch: Partial<AlertFilterValues> = {}): string {
  const next = { ...values, ...patch };
  const params = new URLSearchParams();
  if (next.org) params.set("org", next.org);
  if (next.status !== "unresolved") params.set("status", next.status);
  if (next.type) params.set("type", next.type);
  if (next.severity) params.set("severity", next.severity);
  const qs = params.toString();
  return `/alerts${qs ? `?${qs}` : ""}`;
}

/** Filters live in the URL: a plain GET form, so they work without JavaScript and can be shared. */
export function AlertFilters({ values }: { values: AlertFilterValues }) {
  const tabs = [
    { status: "unresolved", label: "Open" },
    { status: "resolved", label: "Resolved" },
    { status: "all", label: "All" },
  ] as const;
  return (
    <div className="space-y-4">
      <nav aria-label="Alert status" className="flex flex-wrap gap-1">
        {tabs.map((t) => {
          const current = values.status === t.status;
          return (
            <Link
              key={t.status}
              href={alertsHref(values, { status: t.status })}
              aria-current={current ? "page" : undefined}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${current ? "bg-accent/15 text-accent" : "text-foreground hover:bg-surface-muted"}`}
            >
              {t.label}
            </Link>
          );
        })}
      </nav>
      <form method="get" action="/alerts" className="grid grid-cols-1 gap-3 sm:grid-cols-[repeat(3,minmax(0,1fr))_auto] sm:items-end">
        {values.org ? <input type="hidden" name="org" value={values.org} /> : null}
        <label className="space-y-1 text-sm">
          <span className="block font-medium">Status</span>
          <select name="status" defaultValue={values.status} className={select}>
            <option value="unresolved">Unresolved</option>
            <option value="open">Open (not acknowledged)</option>
            <option value="acknowledged">Acknowledged</option>
            <option value="resolved">Resolved</option>
            <option value="all">All</option>
          </select>
        </label>
        <label className="space-y-1 text-sm">
          <span className="block font-medium">Type</span>
          <select name="type" defaultValue={values.type ?? ""} className={select}>
            <option value="">Any type</option>
            {Object.entries(ALERT_TYPE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1 text-sm">
          <span className="block font-medium">Severity</span>
          <select name="severity" defaultValue={values.severity ?? ""} className={select}>
            <option value="">Any severity</option>
            <option value="critical">Critical</option>
            <option value="high">High</option>
            <option value="medium">Medium</option>
            <option value="low">Low</option>
          </select>
        </label>
        <button type="submit" className={buttonClass("secondary")}>
          Apply filters
        </button>
      </form>
    </div>
  );
}
