"use client";

import { useActionState } from "react";
import { addPriceVersionAction } from "@/app/(console)/prices/actions";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";

/** New price version; `prefill` comes from an unpriced model's "Add price" link. */
export function AddPriceForm({ prefill, today }: { prefill: { provider?: string; model?: string }; today: string }) {
  const [state, action, pending] = useActionState(addPriceVersionAction, {});
  const v = (name: string, fallback = "") => (state.ok ? fallback : (state.data?.[name] ?? fallback));
  const key = `${prefill.provider ?? ""}/${prefill.model ?? ""}/${state.ok ? state.message : ""}`;
  return (
    <form action={action} className="space-y-3" noValidate key={key}>
      <FormMessage state={state} />
      <TextField label="Provider" name="provider" required defaultValue={v("provider", prefill.provider)} error={state.errors?.provider} placeholder="openai" />
      <TextField label="Model" name="model" required defaultValue={v("model", prefill.model)} error={state.errors?.model} placeholder="gpt-4o-mini" />
      <TextField label="Aliases (comma-separated, optional)" name="aliases" defaultValue={v("aliases")} error={state.errors?.aliases} />
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Input $/Mtok" name="input_per_mtok" inputMode="decimal" required defaultValue={v("input_per_mtok")} error={state.errors?.input_per_mtok} />
        <TextField label="Output $/Mtok" name="output_per_mtok" inputMode="decimal" required defaultValue={v("output_per_mtok")} error={state.errors?.output_per_mtok} />
        <TextField label="Cached input $/Mtok" name="cached_input_per_mtok" inputMode="decimal" defaultValue={v("cached_input_per_mtok")} error={state.errors?.cached_input_per_mtok} />
        <TextField label="Cache write $/Mtok" name="cache_write_per_mtok" inputMode="decimal" defaultValue={v("cache_write_per_mtok")} error={state.errors?.cache_write_per_mtok} />
      </div>
      <TextField label="Per request $ (optional)" name="per_request" inputMode="decimal" defaultValue={v("per_request")} error={state.errors?.per_request} />
      <TextField
        label="Effective from (UTC)"
        name="effective_from"
        type="date"
        required
        defaultValue={v("effective_from", today)}
        error={state.errors?.effective_from}
        hint="Events from this date on are priced with this version; earlier events keep their price."
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add price version"}
      </Button>
    </form>
  );
}
