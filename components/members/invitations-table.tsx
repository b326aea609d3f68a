"use client";

import { useActionState } from "react";
import { revokeInvitationAction } from "@/app/(console)/members/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import type { InvitationRow } from "@/lib/server/invitations";

function RevokeForm({ invitation }: { invitation: InvitationRow }) {
  const [state, action, pending] = useActionState(revokeInvitationAction, {});
  return (
    <form action={action}>
      <input type="hidden" name="id" value={invitation.id} />
      <Button type="submit" size="sm" variant="ghost" disabled={pending} aria-label={`Withdraw the invitation of ${invitation.email}`}>
        {pending ? "Withdrawing…" : "Withdraw"}
      </Button>
      {state.message && !state.ok ? <FormMessage state={state} /> : null}
    </form>
  );
}

export function InvitationsTable({ invitations }: { invitations: InvitationRow[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="text-muted">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Email</th>
            <th scope="col" className="py-2 pr-4 font-medium">Role</th>
            <th scope="col" className="py-2 pr-4 font-medium">Expires (UTC)</th>
            <th scope="col" className="py-2 font-medium"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {invitations.map((i) => (
            <tr key={i.id} className="border-t border-border align-top">
              <td className="py-2 pr-4 break-all">{i.email}</td>
              <td className="py-2 pr-4">{i.role}</td>
              <td className="py-2 pr-4 whitespace-nowrap">{i.expiresAt.slice(0, 16).replace("T", " ")}</td>
              <td className="py-2"><RevokeForm invitation={i} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
