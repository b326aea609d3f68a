"use client";

import { useActionState, useState } from "react";
import { CellLabel, stackedBody, stackedHead, stackedRow, stackedTable, stackedWide } from "@/components/ui/stacked-table";
import { Dialog } from "@/components/ui/dialog";
import { revokeApiKeyAction } from "@/app/(console)/keys/actions";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import type { ApiKeyRow } from "@/lib/server/api-keys";

export type ApiKeyView = ApiKeyRow;

/** Revoking asks in a dialog (never a browser confirm box); the key stops working at once. */
function RevokeButton({ orgId, prefix }: { orgId: string; prefix: string }) {
  const [, action, pending] = useActionState(revokeApiKeyAction, {});
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button type="button" size="sm" variant="danger" onClick={() => setOpen(true)}>
        Revoke {prefix}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Revoke ${prefix}?`} description="Applications using this key get 401 from now on. This cannot be undone.">
        <form action={action} onSubmit={() => setOpen(false)} className="flex justify-end gap-2">
          <input type="hidden" name="orgId" value={orgId} />
          <input type="hidden" name="prefix" value={prefix} />
          <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={pending}>
            {pending ? "Revoking…" : "Revoke key"}
          </Button>
        </form>
      </Dialog>
    </>
  );
}

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") : "never");

/** `now` (ISO, from the server) decides which keys show as expired. */
export function ApiKeysTable({ orgId, keys, now }: { orgId: string; keys: ApiKeyView[]; now: string }) {
  return (
    <div className="md:overflow-x-auto">
      <table className={stackedTable}>
        <thead className={`${stackedHead} text-muted`}>
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Name</th>
            <th scope="col" className="py-2 pr-4 font-medium">Prefix</th>
            <th scope="col" className="py-2 pr-4 font-medium">Project</th>
            <th scope="col" className="py-2 pr-4 font-medium">Last used (UTC)</th>
            <th scope="col" className="py-2 pr-4 font-medium">Expires (UTC)</th>
            <th scope="col" className="py-2 font-medium">Status</th>
          </tr>
        </thead>
        <tbody className={stackedBody}>
          {keys.map((k) => (
            <tr key={k.id} className={stackedRow} data-testid={`key-${k.prefix}`}>
              <td className={`${stackedWide} md:py-2 md:pr-4`}>
                <div className="font-medium">{k.name}</div>
                <div className="text-xs text-muted">
                  created {when(k.createdAt)}
                  {k.createdBy ? ` by ${k.createdBy}` : ""}
                </div>
              </td>
              <td className="md:py-2 md:pr-4">
                <CellLabel>Prefix</CellLabel>
                <span className="font-mono text-xs">{k.prefix}</span>
              </td>
              <td className="break-words md:py-2 md:pr-4">
                <CellLabel>Project</CellLabel>
                {k.projectKey ?? "—"}
              </td>
              <td className="md:py-2 md:pr-4 md:whitespace-nowrap">
                <CellLabel>Last used (UTC)</CellLabel>
                {k.lastUsedAt ? when(k.lastUsedAt) : <span className="text-muted">never</span>}
              </td>
              <td className="md:py-2 md:pr-4 md:whitespace-nowrap">
                <CellLabel>Expires (UTC)</CellLabel>
                {k.expiresAt ? (
                  <>
                    {when(k.expiresAt)} {k.expiresAt <= now ? <Badge tone="warning">expired</Badge> : null}
                  </>
                ) : (
                  <span className="text-muted">never</span>
                )}
              </td>
              <td className={`${stackedWide} md:py-2`}>{k.revokedAt ? <Badge tone="danger">revoked</Badge> : <RevokeButton orgId={orgId} prefix={k.prefix} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
