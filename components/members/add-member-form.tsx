"use client";

import { useActionState, useState } from "react";
import { addMemberAction, type AddMemberState } from "@/app/(console)/members/actions";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";

/** Adds an existing account as itself, or creates an invitation link for an email with no account. */
export function AddMemberForm({ orgId, canAddOwner }: { orgId: string; canAddOwner: boolean }) {
  const [state, action, pending] = useActionState<AddMemberState, FormData>(addMemberAction, {});
  const [copied, setCopied] = useState<string | null>(null);
  const keep = (name: string) => (state.ok ? "" : state.data?.[name]);
  // Only ever set after the action ran in this browser, so `window` is there.
  const link = state.invitePath ? `${window.location.origin}${state.invitePath}` : null;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="orgId" value={orgId} />
      <FormMessage state={state} />
      {link ? (
        <div className="space-y-2">
          <label htmlFor="invitation-link" className="block text-sm font-medium">
            Invitation link for {state.invitedEmail}
          </label>
          <input
            id="invitation-link"
            data-testid="invitation-link"
            readOnly
            value={link}
            onFocus={(e) => e.currentTarget.select()}
            className="block w-full rounded-md border border-border bg-surface-muted px-3 py-2 font-mono text-xs"
          />
          <Button
            type="button"
            size="sm"
            variant="secondary"
            onClick={async () => {
              await navigator.clipboard?.writeText(link).catch(() => {});
              setCopied(link);
            }}
          >
            {copied === link ? "Copied" : "Copy link"}
          </Button>
        </div>
      ) : null}
      <TextField label="Email" name="email" type="email" required defaultValue={keep("email")} error={state.errors?.email} />
      <SelectField label="Role" name="role" defaultValue={keep("role") || "viewer"} error={state.errors?.role}>
        <option value="viewer">Viewer — reads dashboards</option>
        <option value="admin">Admin — manages keys, budgets, members</option>
        {canAddOwner ? <option value="owner">Owner — everything, including owners</option> : null}
      </SelectField>
      <p className="text-xs text-muted">
        Someone with an account is added as they are. For an email with no account you get a one-time invitation link (valid for 7 days) with which
        that person chooses their own password.
      </p>
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add member"}
      </Button>
    </form>
  );
}
