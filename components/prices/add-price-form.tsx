"use client";

import { useActionState } from "react";
import { addPriceVersionAction, type AddPriceState } from "@/app/(console)/prices/actions";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { RestatementPreviewTable } from "./restatement-preview";

const TIERS_EXAMPLE = '[{"above_input_tokens": 200000, "input_per_mtok": "6", "output_per_mtok": "22.5"}]';
const SERVICE_TIERS_EXAMPLE = '{"batch": {"input_per_mtok": "1.5", "output_per_mtok": "7.5"}}';

const textareaClass =
  "block w-full rounded-md border border-border bg-surface px-3 py-2 font-mono text-xs text-foreground placeholder:text-muted focus:border-accent focus:outline-none aria-[invalid=true]:border-danger";

function JsonField({ name, label, example, defaultValue, error }: { name: string; label: string; example: string; defaultValue: string; error?: string }) {
  const id = `field-${name}`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <textarea id={id} name={name} rows={2} defaultValue={defaultValue} placeholder={example} aria-invalid={error ? true : undefined} aria-describedby={`${id}-hint`} className={textareaClass} />
      {error ? (
        <p className="text-sm text-danger" role="alert">
          {error}
        </p>
      ) : null}
      <p id={`${id}-hint`} className="text-xs text-muted">
        JSON, optional. Example: <code>{example}</code>
      </p>
    </div>
  );
}

/**
 * New price version; `prefill` comes from an unpriced model's "Add price" link (effective from its
 * first waiting event). A version dated in the past first shows its restatement preview.
 */
export function AddPriceForm({ prefill, today }: { prefill: { provider?: string; model?: string; effectiveFrom?: string }; today: string }) {
  const [state, action, pending] = useActionState<AddPriceState, FormData>(addPriceVersionAction, {});
  const v = (name: string, fallback = "") => (state.ok ? fallback : (state.data?.[name] ?? fallback));
  const key = `${prefill.provider ?? ""}/${prefill.model ?? ""}/${prefill.effectiveFrom ?? ""}/${state.ok ? state.message : ""}`;
  const error = (name: string) => state.errors?.[name] ?? Object.entries(state.errors ?? {}).find(([k]) => k.startsWith(`${name}.`))?.[1];
  return (
    <form action={action} className="space-y-3" noValidate key={key}>
      <FormMessage state={state} />
      <TextField label="Provider" name="provider" required defaultValue={v("provider", prefill.provider)} error={error("provider")} placeholder="openai" />
      <TextField label="Model" name="model" required defaultValue={v("model", prefill.model)} error={error("model")} placeholder="gpt-4o-mini" />
      <TextField label="Aliases (comma-separated, optional)" name="aliases" defaultValue={v("aliases")} error={error("aliases")} />
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Input $/Mtok" name="input_per_mtok" inputMode="decimal" required defaultValue={v("input_per_mtok")} error={error("input_per_mtok")} />
        <TextField label="Output $/Mtok" name="output_per_mtok" inputMode="decimal" required defaultValue={v("output_per_mtok")} error={error("output_per_mtok")} />
        <TextField label="Cached input $/Mtok" name="cached_input_per_mtok" inputMode="decimal" defaultValue={v("cached_input_per_mtok")} error={error("cached_input_per_mtok")} />
        <TextField label="Cache write $/Mtok" name="cache_write_per_mtok" inputMode="decimal" defaultValue={v("cache_write_per_mtok")} error={error("cache_write_per_mtok")} />
        <TextField label="1-hour cache write $/Mtok" name="cache_write_1h_per_mtok" inputMode="decimal" defaultValue={v("cache_write_1h_per_mtok")} error={error("cache_write_1h_per_mtok")} />
        <TextField label="Per request $ (optional)" name="per_request" inputMode="decimal" defaultValue={v("per_request")} error={error("per_request")} />
      </div>
      <JsonField name="tiers" label="Long-context tiers" example={TIERS_EXAMPLE} defaultValue={v("tiers")} error={error("tiers")} />
      <JsonField name="service_tiers" label="Service tiers (batch, flex, priority)" example={SERVICE_TIERS_EXAMPLE} defaultValue={v("service_tiers")} error={error("service_tiers")} />
      <TextField
        label="Effective from (UTC)"
        name="effective_from"
        type="date"
        required
        defaultValue={v("effective_from", prefill.effectiveFrom ?? today)}
        error={error("effective_from")}
        hint="Events from this date on are priced with this version; events already priced keep their cost."
      />
      {state.restatement ? (
        <div className="space-y-3 rounded-md border border-warning/60 p-3" data-testid="restatement-preview">
          <RestatementPreviewTable preview={state.restatement} />
          <input type="hidden" name="confirmed" value="1" />
          <div className="flex gap-2">
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save this version"}
            </Button>
          </div>
        </div>
      ) : (
        <Button type="submit" disabled={pending}>
          {pending ? "Checking…" : "Add price version"}
        </Button>
      )}
    </form>
  );
}
