"use client";

import { useActionState, useState } from "react";
import { createBudgetAction } from "@/app/(console)/budgets/actions";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";

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
      <TextField
        label="Limit (USD)"
        name="limitUsd"
        inputMode="decimal"
        required
        placeholder="e.g. 500"
        defaultValue={keep("limitUsd")}
        error={state.errors?.limitUsd}
      />
      <div className="grid grid-cols-2 gap-3">
        <SelectField label="Period" name="period" defaultValue={keep("period") || "monthly"} error={state.errors?.period}>
          <option value="monthly">Monthly</option>
          <option value="weekly">Weekly</option>
          <option value="daily">Daily</option>
        </SelectField>
        <SelectField label="Mode" name="mode" defaultValue={keep("mode") || "soft"} error={state.errors?.mode}>
          <option value="soft">Soft</option>
          <option value="hard">Hard</option>
        </SelectField>
      </div>
      <TextField
        label="Warning at (%)"
        name="warnPercent"
        inputMode="numeric"
        defaultValue={keep("warnPercent") ?? "80"}
        error={state.errors?.warnPercent}
        hint="Soft: over the limit, calls need a confirmed override. Hard: they are blocked."
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Create budget"}
      </Button>
    </form>
  );
}
