"use client";

import { useActionState } from "react";
import { createOrganizationAction } from "@/app/(console)/orgs/actions";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";

export function CreateOrganizationForm() {
  const [state, action, pending] = useActionState(createOrganizationAction, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <TextField label="Name" name="name" required defaultValue={state.ok ? "" : state.data?.name} error={state.errors?.name} />
      <TextField
        label="Slug"
        name="slug"
        required
        defaultValue={state.ok ? "" : state.data?.slug}
        error={state.errors?.slug}
        hint="Lowercase letters, digits and dashes; used in URLs (?org=slug)."
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create organisation"}
      </Button>
    </form>
  );
}
