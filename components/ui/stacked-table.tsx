import type { ReactNode } from "react";

// Tables whose rows become cards on phones (below the md breakpoint): one DOM, so a desktop sees
// the plain table and a phone a list of cards in which every cell names its column.

export const stackedTable = "block w-full text-left text-sm md:table";
export const stackedHead = "hidden md:table-header-group";
export const stackedBody = "block md:table-row-group";
/** A row: a two-column grid of labelled cells on phones, a table row from md on. */
export const stackedRow = "grid grid-cols-2 gap-x-4 gap-y-2 border-t border-border py-3 first:border-t-0 md:table-row md:py-0 md:first:border-t";
/** A cell spanning the whole card on phones (the row's title, long values, actions). */
export const stackedWide = "col-span-2";

/** The column's name, shown above the value on phones only (the table header says it from md on). */
export function CellLabel({ children }: { children: ReactNode }) {
  return <span className="block text-xs text-muted md:hidden">{children}</span>;
}
