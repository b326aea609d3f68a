"use client";

import { useActionState } from "react";
import { setAccountDisabledAction, setMemberRoleAction } from "@/app/(console)/members/actions";
import { Button } from "@/components/ui/button";
import { Badge, EmptyState } from "@/components/ui/card";
import { FormMessage } from "@/components/ui/form-message";
import { CellLabel, stackedBody, stackedHead, stackedRow, stackedTable, stackedWide } from "@/components/ui/stacked-table";
import type { MemberRow } from "@/lib/server/accounts";

export type MemberView = MemberRow;

function RoleForm({ orgId, member, canManageOwners }: { orgId: string; member: MemberView; canManageOwners: boolean }) {
  const [state, action, pending] = useActionState(setMemberRoleAction, {});
  const locked = member.role === "owner" && !canManageOwners;
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="orgId" value={orgId} />
      <input type="hidden" name="email" value={member.email} />
      <select
        name="role"
        defaultValue={member.role}
        aria-label={`Role of ${member.email}`}
        disabled={locked}
        className="rounded-md border border-border bg-surface px-2 py-1 text-sm"
      >
        {canManageOwners || member.role === "owner" ? <option value="owner">owner</option> : null}
        <option value="admin">admin</option>
        <option value="viewer">viewer</option>
        <option value="none">remove</option>
      </select>
      <Button type="submit" size="sm" variant="secondary" disabled={pending || locked}>
        {pending ? "Saving…" : "Save"}
      </Button>
      {state.message && !state.ok ? <FormMessage state={state} /> : null}
    </form>
  );
}

function DisableForm({ member }: { member: MemberView }) {
  const [state, action, pending] = useActionState(setAccountDisabledAction, {});
  return (
    <form action={action}>
      <input type="hidden" name="email" value={member.email} />
      <input type="hidden" name="disabled" value={member.disabled ? "false" : "true"} />
      <Button type="submit" size="sm" variant={member.disabled ? "secondary" : "ghost"} disabled={pending}>
        {pending ? (member.disabled ? "Enabling…" : "Disabling…") : member.disabled ? "Enable" : "Disable"}
      </Button>
      {state.message && !state.ok ? <FormMessage state={state} /> : null}
    </form>
  );
}

export function MembersTable({
  orgId,
  members,
  canManageOwners,
  selfEmail,
}: {
  orgId: string;
  members: MemberView[];
  canManageOwners: boolean;
  selfEmail: string;
}) {
  if (members.length === 0) return <EmptyState title="No members yet">Add someone with the form; a person without an account gets an invitation link.</EmptyState>;
  return (
    <div className="md:overflow-x-auto">
      <table className={stackedTable}>
        <thead className={`${stackedHead} text-muted`}>
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Member</th>
            <th scope="col" className="py-2 pr-4 font-medium">Role</th>
            <th scope="col" className="py-2 pr-4 font-medium">Last sign-in (UTC)</th>
            <th scope="col" className="py-2 font-medium">Access</th>
          </tr>
        </thead>
        <tbody className={stackedBody}>
          {members.map((m) => (
            <tr key={m.accountId} className={`${stackedRow} align-top`}>
              <td className={`${stackedWide} min-w-0 break-words md:py-2 md:pr-4`}>
                <div className="font-medium">{m.email}</div>
                {m.name ? <div className="text-xs text-muted">{m.name}</div> : null}
                {m.disabled ? <Badge tone="danger">disabled</Badge> : null}
              </td>
              <td className={`${stackedWide} md:py-2 md:pr-4`}>
                <CellLabel>Role</CellLabel>
                <RoleForm orgId={orgId} member={m} canManageOwners={canManageOwners} />
              </td>
              <td className="md:py-2 md:pr-4 md:whitespace-nowrap">
                <CellLabel>Last sign-in (UTC)</CellLabel>
                {m.lastLoginAt ? m.lastLoginAt.slice(0, 16).replace("T", " ") : "never"}
              </td>
              <td className="self-end md:py-2">{canManageOwners && m.email !== selfEmail ? <DisableForm member={m} /> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
