"use client";

import { rowSortingFeature, tableFeatures, useTable, type ColumnDef, type SortingState, type Updater } from "@tanstack/react-table";
import { DataTableColumnHeader } from "./column-header";

/** Features every console table registers: server-side sorting only (rows arrive sorted and paged). */
export const dataTableFeatures = tableFeatures({ rowSortingFeature });
export type DataTableFeatures = typeof dataTableFeatures;

/**
 * A table whose rows, sort order and pages are decided by the server (keyset pagination): the
 * table renders what it is given and reports sort clicks through `onSortingChange`.
 */
export function DataTable<TData extends object>({
  columns,
  data,
  sorting,
  onSortingChange,
  getRowId,
  caption,
  emptyMessage = "No rows.",
  rowTestId,
  className = "",
}: {
  columns: ColumnDef<DataTableFeatures, TData, unknown>[];
  data: TData[];
  sorting: SortingState;
  onSortingChange: (next: SortingState) => void;
  getRowId: (row: TData) => string;
  caption: string;
  emptyMessage?: string;
  rowTestId?: (row: TData) => string;
  /** Classes of the scrolling wrapper (e.g. hide the table on phones where cards replace it). */
  className?: string;
}) {
  const table = useTable({
    features: dataTableFeatures,
    columns,
    data,
    getRowId: (row) => getRowId(row),
    state: { sorting },
    onSortingChange: (updater: Updater<SortingState>) => onSortingChange(typeof updater === "function" ? updater(sorting) : updater),
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
  });
  const meta = (m: unknown) => (m ?? {}) as { align?: string; className?: string };
  return (
    // Focusable with a name, so a keyboard can scroll it if a narrow window ever needs to.
    <div className={`overflow-x-auto rounded-lg border border-border ${className}`} tabIndex={0} role="region" aria-label={caption}>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-surface-muted text-muted">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    className={`px-3 py-2 font-medium whitespace-nowrap ${meta(header.column.columnDef.meta).align === "right" ? "text-right" : ""} ${meta(header.column.columnDef.meta).className ?? ""}`}
                  >
                    {header.isPlaceholder ? null : <DataTableColumnHeader id={header.column.id} header={header} render={<table.FlexRender header={header} />} />}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="px-3 py-8 text-center text-muted">
                {emptyMessage}
              </td>
            </tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr key={row.id} className="border-t border-border bg-surface hover:bg-surface-muted/60" data-testid={rowTestId?.(row.original)}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={`px-3 py-2 align-middle whitespace-nowrap ${meta(cell.column.columnDef.meta).align === "right" ? "text-right" : ""} ${meta(cell.column.columnDef.meta).className ?? ""}`}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
