"use client";

import { useActionState, useState } from "react";
import { createBudgetAction } from "@/app/(console)/budgets/actions";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { BudgetSettingsFields } from "./budget-settings-fields";

type Scope = "organization" | "project" | "user";

export function CreateBudgetForm({ orgId }: { orgId: string }) {
  const [state, action, pending] = useActionState(createBudgetAction, {});
  const keep = (name: string) => (state.ok ? undefined : state.data?.[name]);
  const [scope, setScope] = useState<Scope>("organization");
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="orgId" value={orgId} />
      <FormMessage state={state} />
      <SelectField label="Scope" name="scope" value={scope} onChange={(e) => setScope(e.target.value as Scope)} error={state.errors?.scope}>
        <option value="organization">Whole organisation</option>
        <option value="project">One project</option>
        <option value="user">One end user</option>
      </SelectField>
      {scope === "organization" ? null : (
        <TextField
          key={scope}
          label={scope === "project" ? "Project key" : "End user external id"}
          name="scopeKey"
          required
          defaultValue={keep("scopeKey")}
          error={state.errors?.scopeKey}
          hint={scope === "project" ? "As sent in the project field of usage events." : "As sent in the user field of usage events."}
        />
      )}
      <BudgetSettingsFields
        values={{ limitUsd: keep("limitUsd"), period: keep("period") || undefined, mode: keep("mode") || undefined, warnPercent: keep("warnPercent") }}
        errors={state.errors}
        warnHint="Soft: over the limit, calls need a confirmed override. Hard: they are blocked."
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Create budget"}
      </Button>
    </form>
  );
}
