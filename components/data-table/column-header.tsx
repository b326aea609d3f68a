"use client";

import type { ReactNode } from "react";

interface SortableHeader {
  column: {
    getCanSort: () => boolean;
    getIsSorted: () => false | "asc" | "desc";
    getToggleSortingHandler: () => undefined | ((event: unknown) => void);
  };
}

/** A header cell: plain text, or a button that toggles the (server-side) sort of its column. */
export function DataTableColumnHeader({ id, header, render }: { id: string; header: SortableHeader; render: ReactNode }) {
  const { column } = header;
  if (!column.getCanSort()) return <>{render}</>;
  const sorted = column.getIsSorted();
  const arrow = sorted === "asc" ? "↑" : sorted === "desc" ? "↓" : "↕";
  return (
    <button
      type="button"
      data-sort-header={id}
      onClick={column.getToggleSortingHandler()}
      className="inline-flex items-center gap-1 rounded font-medium hover:text-foreground"
    >
      {render}
      <span aria-hidden className={sorted ? "text-foreground" : "opacity-50"}>
        {arrow}
      </span>
    </button>
  );
}
