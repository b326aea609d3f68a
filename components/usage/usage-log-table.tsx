"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import type { SortingState } from "@tanstack/react-table";
import { usageLogColumns, type UsageLogRowView } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";

/** The usage log table; sorting is a URL change (sort, dir) that the server answers with page one. */
/** `showOrganisation` is false when one organisation is selected (its name would repeat on every row). */
export function UsageLogTable({ rows, sort, showOrganisation }: { rows: UsageLogRowView[]; sort: { key: "time" | "cost"; dir: "asc" | "desc" }; showOrganisation: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const columns = useMemo(() => {
    const qs = search.get("org") ? `?org=${encodeURIComponent(search.get("org")!)}` : "";
    const all = usageLogColumns((id) => `/usage/${id}${qs}`);
    return showOrganisation ? all : all.filter((c) => c.id !== "organization");
  }, [search, showOrganisation]);
  const sorting: SortingState = useMemo(() => [{ id: sort.key, desc: sort.dir === "desc" }], [sort.key, sort.dir]);
  return (
    <DataTable
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
        const params = new URLSearchParams(search.toString());
        params.set("sort", s.id);
        params.set("dir", s.desc ? "desc" : "asc");
        params.delete("after");
        params.delete("before");
        router.push(`${pathname}?${params.toString()}`);
      }}
    />
  );
}
