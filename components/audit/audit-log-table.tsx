import type { AuditLogRow } from "@/lib/server/audit-log";
import { CellLabel, stackedBody, stackedHead, stackedRow, stackedTable, stackedWide } from "@/components/ui/stacked-table";
export type AuditLogRowView = AuditLogRow;

function Change({ before, after }: { before: unknown; after: unknown }) {
  if (before == null && after == null) return <span className="text-muted">—</span>;
  return (
    <details className="min-w-0">
      <summary className="cursor-pointer text-xs text-accent">before / after</summary>
      <pre className="mt-1 max-w-[32rem] overflow-auto rounded bg-surface-muted p-2 font-mono text-xs whitespace-pre-wrap">{JSON.stringify({ before, after }, null, 2)}</pre>
    </details>
  );
}

export function AuditLogTable({ rows }: { rows: AuditLogRowView[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-border bg-surface">
      <table className={`${stackedTable} md:min-w-[52rem]`}>
        <caption className="sr-only">Audit log</caption>
        <thead className={`${stackedHead} bg-surface-muted text-muted`}>
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Time (UTC)</th>
            <th scope="col" className="px-3 py-2 font-medium">Actor</th>
            <th scope="col" className="px-3 py-2 font-medium">Action</th>
            <th scope="col" className="px-3 py-2 font-medium">Target</th>
            <th scope="col" className="px-3 py-2 font-medium">Organisation</th>
            <th scope="col" className="px-3 py-2 font-medium">IP</th>
            <th scope="col" className="px-3 py-2 font-medium">Change</th>
          </tr>
        </thead>
        <tbody className={stackedBody}>
          {rows.length === 0 ? (
            <tr className="block md:table-row">
              <td colSpan={7} className="block px-3 py-8 text-center text-muted md:table-cell">
                No audit entries match these filters.
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={r.id} className={`${stackedRow} px-3 align-top md:px-0`}>
                <td className="font-mono text-xs md:px-3 md:py-2 md:whitespace-nowrap">
                  <CellLabel>Time (UTC)</CellLabel>
                  {r.createdAt.slice(0, 19).replace("T", " ")}
                </td>
                <td className="min-w-0 break-all md:px-3 md:py-2">
                  <CellLabel>Actor</CellLabel>
                  {r.actorLabel}
                </td>
                <td className="font-mono text-xs break-all md:px-3 md:py-2">
                  <CellLabel>Action</CellLabel>
                  {r.action}
                </td>
                <td className="min-w-0 text-xs md:px-3 md:py-2">
                  <CellLabel>Target</CellLabel>
                  {r.targetType}
                  {r.targetId ? <span className="block font-mono break-all text-muted">{r.targetId}</span> : null}
                </td>
                <td className="min-w-0 break-words md:px-3 md:py-2">
                  <CellLabel>Organisation</CellLabel>
                  {r.orgSlug ?? <span className="text-muted">—</span>}
                </td>
                <td className="font-mono text-xs md:px-3 md:py-2">
                  <CellLabel>IP</CellLabel>
                  {r.ip ?? "—"}
                </td>
                <td className={`${stackedWide} min-w-0 md:px-3 md:py-2`}>
                  <CellLabel>Change</CellLabel>
                  <Change before={r.before} after={r.after} />
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
