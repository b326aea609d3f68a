"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo } from "react";
import type { SortingState } from "@tanstack/react-table";
import { formatDuration, usageLogColumns, UsageStatusBadges, type UsageLogRowView } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { Money } from "@/components/ui/money";
import type { UsageSortKey } from "@/lib/server/usage-log";

/** The header whose sort button was pressed: the table re-mounts with the new page, focus goes back to it. */
let focusSortHeader: string | null = null;

const FIRST_DIR: Record<string, "asc" | "desc"> = { time: "desc", cost: "desc", tokens: "desc", duration: "desc", model: "asc" };

/**
 * The usage log: a table from 768 px (lower-priority columns appear as the width allows) and one
 * card per event on phones. Sorting is a URL change (sort, dir) that the server answers with page one.
 * `showOrganisation` is false when one organisation is selected (its name would repeat on every row).
 */
export function UsageLogTable({ rows, sort, showOrganisation }: { rows: UsageLogRowView[]; sort: { key: UsageSortKey; dir: "asc" | "desc" }; showOrganisation: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  // The detail page gets the whole query, so its "back" link returns to this very view.
  const detailHref = useMemo(() => {
    const qs = search.toString();
    return (id: string) => `/usage/${id}${qs ? `?${qs}` : ""}`;
  }, [search]);
  const columns = useMemo(() => {
    const all = usageLogColumns(detailHref);
    return showOrganisation ? all : all.filter((c) => c.id !== "organization");
  }, [detailHref, showOrganisation]);
  const sorting: SortingState = useMemo(() => [{ id: sort.key, desc: sort.dir === "desc" }], [sort.key, sort.dir]);

  useEffect(() => {
    if (!focusSortHeader) return;
    const button = document.querySelector<HTMLButtonElement>(`[data-sort-header="${focusSortHeader}"]`);
    focusSortHeader = null;
    button?.focus();
  }, [sort.key, sort.dir]);

  return (
    <>
      <DataTable
        className="hidden md:block"
        columns={columns}
        data={rows}
        sorting={sorting}
        getRowId={(r) => r.id}
        rowTestId={(r) => `usage-row-${r.id}`}
        caption="Usage events"
        emptyMessage="No events match these filters."
        onSortingChange={(next) => {
          const s = next[0];
          if (!s) return;
          // A newly chosen column starts in its natural direction (largest cost first).
          const dir = s.id === sort.key ? (s.desc ? "desc" : "asc") : FIRST_DIR[s.id] ?? "asc";
          const params = new URLSearchParams(search.toString());
          params.set("sort", s.id);
          params.set("dir", dir);
          params.delete("after");
          params.delete("before");
          focusSortHeader = s.id;
          router.push(`${pathname}?${params.toString()}`, { scroll: false });
        }}
      />
      <ul className="space-y-2 md:hidden" aria-label="Usage events">
        {rows.length === 0 ? <li className="rounded-lg border border-border bg-surface p-6 text-center text-sm text-muted">No events match these filters.</li> : null}
        {rows.map((r) => (
          <li key={r.id} className="rounded-lg border border-border bg-surface p-3 text-sm" data-testid={`usage-card-${r.id}`}>
            <div className="flex items-baseline justify-between gap-2">
              <Link href={detailHref(r.id)} className="font-mono text-xs text-accent underline underline-offset-2">
                {r.occurredAt.slice(0, 19).replace("T", " ")}
              </Link>
              <Money value={r.costUsd} cents className="font-semibold" />
            </div>
            <div className="mt-1 flex items-center justify-between gap-2">
              <span className="min-w-0 truncate">
                <span className="text-muted">{r.provider ?? "—"}/</span>
                {r.model ?? "—"}
              </span>
              <UsageStatusBadges row={r} />
            </div>
            <div className="mt-1 flex flex-wrap gap-x-3 text-xs text-muted">
              {showOrganisation ? <span>{r.orgName}</span> : null}
              {r.projectKey ? <span>project {r.projectKey}</span> : null}
              {r.userExternalId ? <span className="max-w-[10rem] truncate">user {r.userExternalId}</span> : null}
              <span className="tabular-nums">{(r.inputTokens + r.outputTokens).toLocaleString("en-US")} tokens</span>
              <span className="tabular-nums">{formatDuration(r.durationMs)}</span>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
