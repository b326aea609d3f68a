import type { ReactNode } from "react";

/** The line above a table: what is shown, and actions such as an export. */
export function DataTableToolbar({ summary, children }: { summary: ReactNode; children?: ReactNode }) {
  return (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
      <p className="text-sm text-muted">{summary}</p>
      {children ? <div className="flex flex-wrap gap-2">{children}</div> : null}
    </div>
  );
}
