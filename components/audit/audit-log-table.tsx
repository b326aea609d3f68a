import type { AuditLogRow } from "@/lib/server/audit-log";
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
    <div className="overflow-x-auto rounded-lg border border-border">
      <table className="w-full min-w-[52rem] text-left text-sm">
        <caption className="sr-only">Audit log</caption>
        <thead className="bg-surface-muted text-muted">
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
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={7} className="px-3 py-8 text-center text-muted">
                No audit entries match these filters.
              </td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={r.id} className="border-t border-border bg-surface align-top">
                <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{r.createdAt.slice(0, 19).replace("T", " ")}</td>
                <td className="px-3 py-2 break-all">{r.actorLabel}</td>
                <td className="px-3 py-2 font-mono text-xs">{r.action}</td>
                <td className="px-3 py-2 text-xs">
                  {r.targetType}
                  {r.targetId ? <span className="block font-mono break-all text-muted">{r.targetId}</span> : null}
                </td>
                <td className="px-3 py-2">{r.orgSlug ?? <span className="text-muted">—</span>}</td>
                <td className="px-3 py-2 font-mono text-xs">{r.ip ?? "—"}</td>
                <td className="px-3 py-2">
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
