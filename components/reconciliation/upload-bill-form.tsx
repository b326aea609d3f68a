"use client";

import { useActionState } from "react";
import { uploadBillAction } from "@/app/(console)/reconciliation/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import type { ActionState } from "@/lib/server/session";

const control = "block w-full rounded-md border border-border bg-surface px-3 py-2 text-sm text-foreground aria-[invalid=true]:border-danger";

export function UploadBillForm({ orgId }: { orgId: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(uploadBillAction, {});
  return (
    <form action={action} className="space-y-3" noValidate>
      <input type="hidden" name="orgId" value={orgId} />
      <FormMessage state={state} />
      <div className="space-y-1">
        <label htmlFor="bill-provider" className="block text-sm font-medium">
          Provider
        </label>
        <select id="bill-provider" name="provider" defaultValue="openai" className={control} aria-invalid={state.errors?.provider ? true : undefined}>
          <option value="openai">OpenAI (organization/costs)</option>
          <option value="anthropic">Anthropic (cost_report)</option>
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor="bill-file" className="block text-sm font-medium">
          Cost report (JSON)
        </label>
        <input
          id="bill-file"
          name="file"
          type="file"
          accept="application/json,.json"
          className={control}
          aria-invalid={state.errors?.file ? true : undefined}
          aria-describedby={state.errors?.file ? "bill-file-error" : "bill-file-hint"}
        />
        {state.errors?.file ? (
          <p id="bill-file-error" role="alert" className="text-sm break-words text-danger">
            {state.errors.file}
          </p>
        ) : (
          <p id="bill-file-hint" className="text-xs text-muted">
            One page or an array of pages, as the admin API returns them. Re-importing a day replaces it.
          </p>
        )}
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Importing…" : "Import bill"}
      </Button>
    </form>
  );
}
