"use client";

import { useActionState } from "react";
import { revokeApiKeyAction } from "@/app/(console)/keys/actions";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import type { ApiKeyRow } from "@/lib/server/api-keys";

export type ApiKeyView = ApiKeyRow;

function RevokeButton({ orgId, prefix }: { orgId: string; prefix: string }) {
  const [, action, pending] = useActionState(revokeApiKeyAction, {});
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm(`Revoke key ${prefix}? Applications using it will get 401.`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="prefix" value={prefix} />
      <Button type="submit" size="sm" variant="danger" disabled={pending} aria-label={`Revoke ${prefix}`}>
        Revoke
      </Button>
    </form>
  );
}

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") : "never");

export function ApiKeysTable({ orgId, keys }: { orgId: string; keys: ApiKeyView[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="text-muted">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Name</th>
            <th scope="col" className="py-2 pr-4 font-medium">Prefix</th>
            <th scope="col" className="py-2 pr-4 font-medium">Project</th>
            <th scope="col" className="py-2 pr-4 font-medium">Last used (UTC)</th>
            <th scope="col" className="py-2 font-medium">Status</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} className="border-t border-border" data-testid={`key-${k.prefix}`}>
              <td className="py-2 pr-4">
                <div className="font-medium">{k.name}</div>
                <div className="text-xs text-muted">
                  created {when(k.createdAt)}
                  {k.createdBy ? ` by ${k.createdBy}` : ""}
                </div>
              </td>
              <td className="py-2 pr-4 font-mono text-xs">{k.prefix}</td>
              <td className="py-2 pr-4">{k.projectKey ?? "—"}</td>
              <td className="py-2 pr-4 whitespace-nowrap">{when(k.lastUsedAt)}</td>
              <td className="py-2">{k.revokedAt ? <Badge tone="danger">revoked</Badge> : <RevokeButton orgId={orgId} prefix={k.prefix} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
