"use client";

import { useActionState } from "react";
import { addMemberAction } from "@/app/(console)/members/actions";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";

export function AddMemberForm({ orgId, canAddOwner }: { orgId: string; canAddOwner: boolean }) {
  const [state, action, pending] = useActionState(addMemberAction, {});
  const keep = (name: string) => (state.ok ? "" : state.data?.[name]);
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="orgId" value={orgId} />
      <FormMessage state={state} />
      <TextField label="Email" name="email" type="email" required defaultValue={keep("email")} error={state.errors?.email} />
      <TextField label="Name (optional)" name="name" defaultValue={keep("name")} error={state.errors?.name} />
      <SelectField label="Role" name="role" defaultValue={keep("role") || "viewer"} error={state.errors?.role}>
        <option value="viewer">Viewer — reads dashboards</option>
        <option value="admin">Admin — manages keys, budgets, members</option>
        {canAddOwner ? <option value="owner">Owner — everything, including owners</option> : null}
      </SelectField>
      <TextField
        label="Password for a new account"
        name="password"
        type="password"
        autoComplete="new-password"
        error={state.errors?.password}
        hint="Only needed when the email has no account yet (8+ characters)."
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add member"}
      </Button>
    </form>
  );
}
